#pragma once
// sslnegotiation=direct (libpq 17): the TLS handshake starts with the first
// byte, without PostgreSQL's SSLRequest round trip. Neon's proxy accepts it
// for every compute version; elsewhere only PostgreSQL 17 and later do, and
// a proxy in front of a server may not, so dbinit asks for it on Neon hosts
// alone, and never over a choice the user made.
#include <optional>
#include <string>
#include <string_view>

#include "pg/conninfo.hpp"
#include "pg/target.hpp"

namespace dbinit {

// What libpq reads from the environment for what a connection string leaves
// out (PGSSLNEGOTIATION, PGSSLMODE, PGSSLROOTCERT, PGHOST); absent: unset.
struct TlsEnvironment {
  std::optional<std::string> sslnegotiation;
  std::optional<std::string> sslmode;
  std::optional<std::string> sslrootcert;
  std::optional<std::string> host;
};
TlsEnvironment tls_environment();

struct DirectTlsUse {
  bool chosen_by_dbinit = false;  // dbinit adds sslnegotiation=direct
  bool in_effect = false;         // direct, chosen by dbinit or by the user
  bool neon_hosts = false;        // every host is a Neon host, whatever the TLS choice
};

// True when every host of a comma-separated list is a Neon host (*.neon.tech,
// pooled or direct).
bool all_neon_hosts(std::string_view host_list);

// `host_override`: the host dbinit connects to instead of the string's (the
// direct Neon host for migrations, pg/target.hpp).
DirectTlsUse direct_tls_use(const ConnInfo& parsed, const std::optional<std::string>& host_override,
                            const TlsEnvironment& environment);

// Adds sslnegotiation=direct to `target` when direct_tls_use chooses it (said
// at debug level) and records whether direct TLS is in effect and whether the
// hosts are Neon's, for the wait phase's reading of a failure.
void apply_direct_tls(ConnectionTarget& target, const ConnInfo& parsed);

}  // namespace dbinit
