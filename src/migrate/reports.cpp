#include "migrate/reports.hpp"

#include <algorithm>
#include <map>

#include "core/json.hpp"

namespace dbinit {

std::string_view state_name(MigrationState state) {
  switch (state) {
    case MigrationState::applied: return "applied";
    case MigrationState::pending: return "pending";
    case MigrationState::checksum_mismatch: return "checksum mismatch";
    case MigrationState::unknown: return "unknown";
    case MigrationState::dirty: return "dirty";
    case MigrationState::baselined: return "baselined";
  }
  return "unknown";
}

std::vector<StatusRow> migration_status(const std::vector<Migration>& embedded, const History& history) {
  std::map<long long, StatusRow> rows;
  for (const auto& migration : embedded)
    rows[migration.version] = {.version = migration.version,
                               .name = migration.name,
                               .state = MigrationState::pending,
                               .applied_at = "",
                               .checksum = migration.checksum,
                               .duration_ms = std::nullopt};
  std::map<long long, const Migration*> known;
  for (const auto& migration : embedded) known[migration.version] = &migration;
  for (const auto& applied : history.rows) {
    auto& row = rows[applied.version];
    row.version = applied.version;
    row.applied_at = applied.applied_at;
    row.checksum = applied.checksum;
    row.duration_ms = applied.duration_ms;
    const auto found = known.find(applied.version);
    if (found == known.end()) {
      row.name = applied.name;
      row.state = MigrationState::unknown;
    } else if (applied.state == HistoryState::dirty) {
      row.state = MigrationState::dirty;
    } else {
      row.state = found->second->checksum != applied.checksum ? MigrationState::checksum_mismatch
                  : is_baselined(applied)                      ? MigrationState::baselined
                                                               : MigrationState::applied;
    }
  }
  std::vector<StatusRow> out;
  for (auto& [version, row] : rows) out.push_back(std::move(row));
  return out;
}

ExitCode status_exit_code(const std::vector<StatusRow>& rows, const std::vector<Migration>& embedded) {
  const long long newest_embedded = embedded.empty() ? 0 : embedded.back().version;
  auto any = [&](auto predicate) { return std::any_of(rows.begin(), rows.end(), predicate); };
  // The same order as plan_migrations: a dirty migration is reported first.
  if (any([](const auto& row) { return row.state == MigrationState::dirty; })) return ExitCode::migration_failed;
  if (any([](const auto& row) { return row.state == MigrationState::checksum_mismatch; }) ||
      any([&](const auto& row) { return row.state == MigrationState::unknown && row.version < newest_embedded; }))
    return ExitCode::migration_drift;
  if (any([](const auto& row) { return row.state == MigrationState::pending; })) return ExitCode::pending;
  return ExitCode::ok;
}

std::string format_status_table(const std::vector<StatusRow>& rows) {
  std::size_t name_width = 4;
  for (const auto& row : rows) name_width = std::max(name_width, row.name.size());
  auto pad = [](std::string text, std::size_t width) {
    text.resize(std::max(width, text.size()), ' ');
    return text;
  };
  std::string out = pad("VERSION", 9) + pad("NAME", name_width + 2) + pad("STATE", 19) + "APPLIED_AT\n";
  for (const auto& row : rows)
    out += pad(std::to_string(row.version), 9) + pad(row.name, name_width + 2) +
           pad(std::string(state_name(row.state)), 19) + (row.applied_at.empty() ? "-" : row.applied_at) + "\n";
  return out;
}

namespace {

void append_json_field(std::string& out, std::string_view key, std::string_view value, bool first = false) {
  out += first ? "" : ", ";
  append_json_string(out, key);
  out += ": ";
  append_json_string(out, value);
}

void append_json_number(std::string& out, std::string_view key, std::optional<long long> value) {
  out += ", ";
  append_json_string(out, key);
  out += ": " + (value ? std::to_string(*value) : std::string("null"));
}

}  // namespace

std::string format_status_json(const std::vector<StatusRow>& rows, const MigrationSet& set, ExitCode exit_code) {
  std::string out = "{\"migrations\": [";
  std::map<MigrationState, long long> count;
  std::optional<long long> version;  // the newest applied
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StatusRow& row = rows[i];
    ++count[row.state];
    if (row.state != MigrationState::pending) version = row.version;
    out += i ? ",\n  {" : "\n  {";
    out += "\"version\": " + std::to_string(row.version);
    append_json_field(out, "name", row.name);
    append_json_field(out, "state", state_name(row.state));
    append_json_field(out, "checksum", row.checksum);
    out += ", \"applied_at\": ";
    if (row.applied_at.empty()) out += "null";
    else append_json_string(out, row.applied_at);
    append_json_number(out, "duration_ms", row.duration_ms);
    out += "}";
  }
  out += rows.empty() ? "],\n" : "\n],\n";
  out += "\"set\": {";
  append_json_field(out, "source", source_name(set.source), true);
  out += ", \"location\": ";
  if (set.location.empty()) out += "null";
  else append_json_string(out, set.location);
  append_json_field(out, "digest", set.digest);
  append_json_number(out, "count", static_cast<long long>(set.migrations.size()));
  out += "},\n\"summary\": {";
  bool first = true;
  for (const auto state : {MigrationState::applied, MigrationState::baselined, MigrationState::pending, MigrationState::dirty,
                           MigrationState::checksum_mismatch, MigrationState::unknown}) {
    std::string key(state_name(state));
    std::replace(key.begin(), key.end(), ' ', '_');
    out += first ? "" : ", ";
    first = false;
    append_json_string(out, key);
    out += ": " + std::to_string(count[state]);
  }
  append_json_number(out, "version", version);
  append_json_number(out, "exit_code", to_int(exit_code));
  out += "}}\n";
  return out;
}

}  // namespace dbinit
