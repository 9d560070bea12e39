#include "migration_url.hpp"

#include <libpq-fe.h>

#include <memory>

#include "log.hpp"

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

std::optional<std::string> host_of(const std::string& conninfo) {
  if (conninfo.empty()) return std::nullopt;
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                        &PQconninfoFree);
  PQfreemem(error);
  if (!options) return std::nullopt;
  for (auto* option = options.get(); option->keyword; ++option)
    if (option->val && std::string_view(option->keyword) == "host") return std::string(option->val);
  return std::nullopt;
}

}  // namespace dbinit

namespace dbinit {

ConnectionTarget migration_connection(const Config& config, const std::string& application_name) {
  if (!config.migration_url.empty()) return {config.migration_url, application_name, std::nullopt};
  ConnectionTarget target{config.database_url, application_name, std::nullopt};
  if (auto hosts = host_of(config.database_url)) {
    if (auto direct = direct_hosts_for(*hosts)) {
      log::info("migrate", "migrating over the direct host instead of the pooled one",
                {{"pooled_host", *hosts}, {"direct_host", *direct}});
      target.host_override = direct;
    }
  }
  return target;
}

}  // namespace dbinit
