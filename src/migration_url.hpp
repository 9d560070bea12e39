#pragma once
// Which connection migrations use. Neon's pooled host (first label ending in
// "-pooler") is PgBouncer in transaction mode: fine for transactional
// migrations, wrong for session locks, so dbinit migrates over the direct
// host when it can tell what that is.
#include <optional>
#include <string>
#include <string_view>

#include "connect.hpp"
#include "options.hpp"

namespace dbinit {

// "ep-x-pooler.eu.aws.neon.tech,other" -> "ep-x.eu.aws.neon.tech,other";
// nullopt when no host in the list is a pooled Neon host.
std::optional<std::string> direct_hosts_for(std::string_view host_list);

// The host list a connection string names, if any (libpq's parser).
std::optional<std::string> host_of(const std::string& conninfo);

// --migration-url when given; otherwise the database URL, over the direct
// host when it names a Neon pooled one (logged).
ConnectionTarget migration_connection(const Config& config, const std::string& application_name);

}  // namespace dbinit
