#include "migrate/reports.hpp"

#include <algorithm>
#include <map>

#include "migrate/lock.hpp"
#include "migrate/step_sql.hpp"

namespace dbinit {

std::string_view state_name(MigrationState state) {
  switch (state) {
    case MigrationState::applied: return "applied";
    case MigrationState::pending: return "pending";
    case MigrationState::checksum_mismatch: return "checksum mismatch";
    case MigrationState::unknown: return "unknown";
    case MigrationState::dirty: return "dirty";
  }
  return "unknown";
}

std::vector<StatusRow> migration_status(const std::vector<Migration>& embedded, const History& history) {
  std::map<long long, StatusRow> rows;
  for (const auto& migration : embedded)
    rows[migration.version] = {migration.version, migration.name, MigrationState::pending, ""};
  std::map<long long, const Migration*> known;
  for (const auto& migration : embedded) known[migration.version] = &migration;
  for (const auto& applied : history.rows) {
    auto& row = rows[applied.version];
    row.version = applied.version;
    row.applied_at = applied.applied_at;
    const auto found = known.find(applied.version);
    if (found == known.end()) {
      row.name = applied.name;
      row.state = MigrationState::unknown;
    } else if (applied.state == "dirty") {
      row.state = MigrationState::dirty;
    } else {
      row.state = found->second->checksum == applied.checksum ? MigrationState::applied : MigrationState::checksum_mismatch;
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

std::string plan_sql(const MigrationPlan& plan, const HistoryTable& table, bool table_exists, std::string_view applied_by,
                     Milliseconds table_lock_timeout) {
  const auto key = lock_key(table);
  std::string out;
  for (const auto& step : plan.steps) {
    const auto& script = script_of(step);
    out += "-- " + script.file_name + " (version " + std::to_string(step.migration->version) + ")\n";
    if (step.direction == Direction::up && script.no_transaction) {
      out += try_session_lock_sql(key) + ";\n";
      if (!table_exists) out += create_table_sql(table);
      out += mark_dirty_sql(table, *step.migration, applied_by) + ";\n" + script.sql + "\n" +
             mark_applied_sql(table, *step.migration, 0) + ";\n" + release_session_lock_sql(key) + ";\n\n";
    } else {
      const auto message = step.direction == Direction::up
                               ? apply_up_message(table, key, *step.migration, !table_exists, applied_by, table_lock_timeout)
                               : apply_down_message(table, key, *step.migration, table_lock_timeout);
      out += "BEGIN;\n" + message.sql + "\nCOMMIT;\n\n";
    }
    table_exists = true;
  }
  return out;
}

}  // namespace dbinit
