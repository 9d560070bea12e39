#include "pg/direct_tls.hpp"

#include <cstdlib>

#include "core/text.hpp"
#include "log/log.hpp"

namespace dbinit {

namespace {

std::optional<std::string> environment_value(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// The string's value, else the environment's, as libpq resolves them.
std::optional<std::string> effective(const ConnInfo& parsed, const std::string& keyword,
                                     const std::optional<std::string>& from_environment) {
  if (const auto found = parsed.values.find(keyword); found != parsed.values.end()) return found->second;
  return from_environment;
}

bool is_neon_host(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // a fully qualified name
  constexpr std::string_view domain = ".neon.tech";
  return host.size() > domain.size() && lower(host.substr(host.size() - domain.size())) == domain;
}

}  // namespace

TlsEnvironment tls_environment() {
  return {.sslnegotiation = environment_value("PGSSLNEGOTIATION"),
          .sslmode = environment_value("PGSSLMODE"),
          .sslrootcert = environment_value("PGSSLROOTCERT"),
          .host = environment_value("PGHOST")};
}

bool all_neon_hosts(std::string_view host_list) {
  if (host_list.empty()) return false;
  for (std::size_t start = 0;;) {
    const auto comma = host_list.find(',', start);
    if (!is_neon_host(host_list.substr(start, comma == std::string_view::npos ? comma : comma - start))) return false;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

DirectTlsUse direct_tls_use(const ConnInfo& parsed, const std::optional<std::string>& host_override,
                            const TlsEnvironment& environment) {
  const auto hosts = host_override ? host_override : effective(parsed, "host", environment.host);
  const bool neon_hosts = hosts && all_neon_hosts(*hosts);
  if (const auto chosen = effective(parsed, "sslnegotiation", environment.sslnegotiation))
    return {.chosen_by_dbinit = false, .in_effect = *chosen == "direct", .neon_hosts = neon_hosts};
  if (!neon_hosts) return {};
  // libpq allows direct only where a server without TLS fails the
  // connection instead of carrying on in plain text. With no sslmode,
  // sslrootcert=system means verify-full (PostgreSQL 16 on, and dbinit).
  const auto sslmode = effective(parsed, "sslmode", environment.sslmode);
  const bool strict = sslmode ? *sslmode == "require" || *sslmode == "verify-ca" || *sslmode == "verify-full"
                              : effective(parsed, "sslrootcert", environment.sslrootcert) == "system";
  if (!strict) return {.neon_hosts = true};
  return {.chosen_by_dbinit = true, .in_effect = true, .neon_hosts = true};
}

void apply_direct_tls(ConnectionTarget& target, const ConnInfo& parsed) {
  const auto use = direct_tls_use(parsed, target.host_override, tls_environment());
  target.direct_tls = use.in_effect;
  target.neon_proxy = use.neon_hosts;
  if (!use.chosen_by_dbinit) return;
  // A default: the connection string, which sets none, cannot override it,
  // and PGSSLNEGOTIATION is unset, or direct_tls_use would not choose.
  target.defaults.emplace_back("sslnegotiation", "direct");
  log::debug(log::Phase::wait,
             "TLS to Neon starts directly, one round trip sooner (sslnegotiation=direct; "
             "sslnegotiation=postgres in the URL or PGSSLNEGOTIATION=postgres turns it off)");
}

}  // namespace dbinit
