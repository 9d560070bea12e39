#include "pg/target.hpp"

#include <unistd.h>

#include <algorithm>

#include "core/text.hpp"
#include "log/log.hpp"

namespace dbinit {

std::optional<std::string> direct_hosts_for(std::string_view host_list) {
  std::string out;
  bool changed = false;
  std::size_t start = 0;
  while (start <= host_list.size()) {
    const auto comma = host_list.find(',', start);
    std::string host(host_list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    const auto dot = host.find('.');
    const auto label_end = dot == std::string::npos ? host.size() : dot;
    constexpr std::string_view suffix = "-pooler";
    if (label_end > suffix.size() && std::string_view(host).substr(label_end - suffix.size(), suffix.size()) == suffix) {
      host.erase(label_end - suffix.size(), suffix.size());
      changed = true;
    }
    out += (start == 0 ? "" : ",") + host;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (!changed) return std::nullopt;
  return out;
}

std::vector<std::pair<std::string, std::string>> dead_link_settings(Milliseconds timeout) {
  if (timeout.count() <= 0) return {};
  // libpq takes whole seconds for the keepalive settings.
  const long long seconds = std::max<long long>(1, (timeout.count() + 999) / 1000);
  const long long idle = std::max<long long>(1, seconds / 3);
  const long long interval = std::max<long long>(1, seconds / 6);
  const long long count = std::max<long long>(1, (seconds - idle) / interval);
  return {{"keepalives", "1"},
          {"keepalives_idle", std::to_string(idle)},
          {"keepalives_interval", std::to_string(interval)},
          {"keepalives_count", std::to_string(count)},
          {"tcp_user_timeout", std::to_string(timeout.count())}};
}

DatabaseUrls parse_database_urls(const DatabaseSettings& settings) {
  return {.database = parse_conninfo(settings.database_url), .migration = parse_conninfo(settings.migration_url)};
}

ConnectionTarget connection_target(const DatabaseSettings& settings, const DatabaseUrls& urls, bool for_migrations) {
  const bool own_url = for_migrations && !settings.migration_url.empty();
  ConnectionTarget target{.conninfo = own_url ? settings.migration_url : settings.database_url,
                          .parsed = own_url ? urls.migration : urls.database,
                          .application_name = default_application_name(),
                          .host_override = std::nullopt,
                          .defaults = dead_link_settings(settings.dead_link_timeout),
                          .overrides = {},
                          .direct_tls = false,
                          .neon_proxy = false};
  if (!for_migrations || own_url) return target;
  const ConnInfo& parsed = urls.database;
  if (const auto host = parsed.values.find("host"); host != parsed.values.end()) {
    if (auto direct = direct_hosts_for(host->second)) {
      log::info(log::Phase::migrate, "migrating over the direct host instead of the pooled one",
                {{"pooled_host", host->second}, {"direct_host", *direct}});
      target.host_override = direct;
    }
  }
  return target;
}

std::string host_name() {
  char host[256] = {};
  // An unnamed host is harmless: the name is only a label in logs and tables.
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return host;
}

std::string default_application_name() { return ("dbinit/" DBINIT_VERSION "@" + host_name()).substr(0, postgres_name_limit); }

}  // namespace dbinit
