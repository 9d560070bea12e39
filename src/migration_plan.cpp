#include "migration_plan.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "sql_split.hpp"

namespace dbinit {

namespace {

std::string versions_text(const std::vector<long long>& versions) {
  std::string out;
  for (const auto version : versions) out += (out.empty() ? "" : ", ") + std::to_string(version);
  return out;
}

std::string first_word(std::string_view statement) {
  std::string word;
  for (const char c : statement) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return word;
}

}  // namespace

std::optional<std::string> transaction_control_problem(const MigrationScript& script) {
  if (script.no_transaction) return std::nullopt;
  for (const auto& statement : split_statements(script.sql)) {
    const auto word = first_word(statement.text);
    if (word == "BEGIN" || word == "COMMIT" || word == "ROLLBACK" || word == "START" || word == "END" ||
        word == "SAVEPOINT") {
      const auto at = line_column_at(script.sql, statement.offset);
      return script.file_name + ":" + std::to_string(at.line) + ": " + word +
             " is not allowed: dbinit runs each migration in its own transaction (use " +
             std::string(no_transaction_directive) + " on the first line to run without one)";
    }
  }
  return std::nullopt;
}

MigrationPlan plan_migrations(const std::vector<Migration>& embedded, const History& history, const PlanRequest& request) {
  MigrationPlan plan;
  std::map<long long, const Migration*> known;
  for (const auto& migration : embedded) known[migration.version] = &migration;
  const long long newest_embedded = embedded.empty() ? 0 : embedded.back().version;

  std::vector<long long> dirty, mismatched, unknown_between, ahead;
  std::map<long long, const HistoryRow*> applied;
  for (const auto& row : history.rows) {
    applied[row.version] = &row;
    if (row.state == "dirty") dirty.push_back(row.version);
    const auto found = known.find(row.version);
    if (found == known.end()) {
      (row.version > newest_embedded ? ahead : unknown_between).push_back(row.version);
    } else if (found->second->checksum != row.checksum) {
      mismatched.push_back(row.version);
    }
  }
  if (!dirty.empty()) {
    plan.refusal = Refusal{ExitCode::migration_failed,
                           "migration " + versions_text(dirty) +
                               " is marked dirty: a no-transaction migration failed or was interrupted; check the "
                               "database by hand, then run: dbinit migrate --repair " + std::to_string(dirty.front())};
    return plan;
  }
  if (!mismatched.empty()) {
    plan.refusal = Refusal{ExitCode::migration_drift,
                           "applied migrations differ from the embedded files (checksum mismatch): version " +
                               versions_text(mismatched)};
    return plan;
  }
  if (!unknown_between.empty()) {
    plan.refusal = Refusal{ExitCode::migration_drift, "the database has applied versions this dbinit does not know, "
                                                      "between known ones: version " + versions_text(unknown_between)};
    return plan;
  }
  if (!ahead.empty()) {
    const std::string message = "the database is ahead of this dbinit (applied versions newer than every embedded "
                                "one: " + versions_text(ahead) + ")";
    if (request.strict) {
      plan.refusal = Refusal{ExitCode::migration_drift, message + "; refused because of --strict"};
      return plan;
    }
    plan.warnings.push_back(message + "; allowed, as during a rolling deploy");
  }

  const long long target = request.target.value_or(newest_embedded);
  // Down: applied versions above the target, newest first, each needing its down file.
  std::vector<long long> missing_down;
  for (auto row = history.rows.rbegin(); row != history.rows.rend(); ++row) {
    if (row->version <= target || !request.target) continue;
    const auto found = known.find(row->version);
    if (found == known.end() || !found->second->down) {
      missing_down.push_back(row->version);
      continue;
    }
    plan.steps.push_back({found->second, StepDirection::down});
  }
  if (!missing_down.empty()) {
    plan.steps.clear();
    plan.refusal = Refusal{ExitCode::migration_failed, "cannot migrate down to " + std::to_string(target) +
                                                           ": no down file for version " + versions_text(missing_down)};
    return plan;
  }
  // Up: embedded versions up to the target that are not applied, oldest first.
  const long long newest_applied = history.rows.empty() ? 0 : history.rows.back().version;
  for (const auto& migration : embedded) {
    if (migration.version > target || applied.count(migration.version)) continue;
    if (migration.version < newest_applied)
      plan.warnings.push_back("version " + std::to_string(migration.version) +
                              " is older than the newest applied one (" + std::to_string(newest_applied) +
                              ") and is applied out of order");
    if (auto problem = transaction_control_problem(migration.up)) {
      plan.steps.clear();
      plan.refusal = Refusal{ExitCode::migration_failed, *problem};
      return plan;
    }
    plan.steps.push_back({&migration, StepDirection::up});
  }
  return plan;
}

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

}  // namespace dbinit
