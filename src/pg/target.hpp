#pragma once
// Which server a connection goes to. Neon's pooled host (first label ending
// in "-pooler") is PgBouncer in transaction mode: fine for transactional
// migrations, wrong for session locks, so migrations go over the direct host
// when dbinit can tell what that is.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg/conninfo.hpp"
#include "pg/settings.hpp"

namespace dbinit {

// The run's connection strings, each read once by libpq's parser: the
// migration host, the wait phase's TLS settings and the passwords the log
// redacts all come from here.
struct DatabaseUrls {
  ConnInfo database;   // DatabaseSettings::database_url
  ConnInfo migration;  // DatabaseSettings::migration_url
};
DatabaseUrls parse_database_urls(const DatabaseSettings& settings);

struct ConnectionTarget {
  std::string conninfo;          // URI or key=value; empty: libpq defaults, PG* variables
  ConnInfo parsed;               // conninfo, as libpq's parser read it (DatabaseUrls)
  std::string application_name;  // used unless conninfo names its own
  std::optional<std::string> host_override;  // replaces conninfo's host (derived direct Neon host)
  // Keyword/value pairs that apply unless conninfo sets them (dead-link detection).
  std::vector<std::pair<std::string, std::string>> defaults;
  // Keyword/value pairs that replace conninfo's (sslrootcert=system, pg/system_roots.hpp).
  std::vector<std::pair<std::string, std::string>> overrides;
  // sslnegotiation=direct is in effect, chosen by dbinit or the user (pg/direct_tls.hpp).
  bool direct_tls = false;
  // Every host is a Neon host: a failure is worded by Neon's proxy (pg/direct_tls.hpp).
  bool neon_proxy = false;
};

// The libpq settings that notice a dead link within `timeout`: keepalives
// after a third of it, probes every sixth, as many as fit, and
// tcp_user_timeout for data sent and never acknowledged. None for 0.
std::vector<std::pair<std::string, std::string>> dead_link_settings(Milliseconds timeout);

// "ep-x-pooler.eu.aws.neon.tech,other" -> "ep-x.eu.aws.neon.tech,other";
// nullopt when no host in the list is a pooled Neon host.
std::optional<std::string> direct_hosts_for(std::string_view host_list);

// The app's connection: the database URL as given. For migrations:
// --migration-url when given, otherwise the database URL over the direct
// host when it names a Neon pooled one (logged). urls: settings' URLs parsed.
ConnectionTarget connection_target(const DatabaseSettings& settings, const DatabaseUrls& urls, bool for_migrations);

// This machine's (container's) name; empty if it has none.
std::string host_name();
// "dbinit/0.1.0@hostname", within PostgreSQL's name limit (postgres_name_limit).
std::string default_application_name();

}  // namespace dbinit
