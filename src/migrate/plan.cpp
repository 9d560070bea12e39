#include "migrate/plan.hpp"

#include <algorithm>
#include <map>

#include "migration_set/sql_split.hpp"

namespace dbinit {

std::string version_list(const std::vector<long long>& versions) {
  std::string list;
  for (const auto version : versions) list += (list.empty() ? "" : ", ") + std::to_string(version);
  return list;
}

const MigrationScript& script_of(const PlanStep& step) {
  return step.direction == Direction::up ? step.migration->up : *step.migration->down;
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
    if (row.state == HistoryState::dirty) dirty.push_back(row.version);
    const auto found = known.find(row.version);
    if (found == known.end()) {
      (row.version > newest_embedded ? ahead : unknown_between).push_back(row.version);
    } else if (found->second->checksum != row.checksum) {
      mismatched.push_back(row.version);
    }
  }
  if (!dirty.empty()) {
    plan.refusal = Refusal{ExitCode::migration_failed,
                           "migration " + version_list(dirty) +
                               " is marked dirty: a no-transaction migration failed or was interrupted; check the "
                               "database by hand, then run: dbinit migrate --repair " + std::to_string(dirty.front())};
    return plan;
  }
  if (!mismatched.empty()) {
    plan.refusal = Refusal{ExitCode::migration_drift,
                           "applied migrations differ from the embedded files (checksum mismatch): version " +
                               version_list(mismatched)};
    return plan;
  }
  if (!unknown_between.empty()) {
    plan.refusal = Refusal{ExitCode::migration_drift, "the database has applied versions this dbinit does not know, "
                                                      "between known ones: version " + version_list(unknown_between)};
    return plan;
  }
  if (!ahead.empty()) {
    const std::string message = "the database is ahead of this dbinit (applied versions newer than every embedded "
                                "one: " + version_list(ahead) + ")";
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
    plan.steps.push_back({found->second, Direction::down});
  }
  if (!missing_down.empty()) {
    plan.steps.clear();
    plan.refusal = Refusal{ExitCode::migration_failed, "cannot migrate down to " + std::to_string(target) +
                                                           ": no down file for version " + version_list(missing_down)};
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
    plan.steps.push_back({&migration, Direction::up});
  }
  return plan;
}

std::size_t count_pending(const std::vector<Migration>& embedded, const History& history, const PlanRequest& request) {
  const MigrationPlan plan = plan_migrations(embedded, history, request);
  if (!plan.refusal) return plan.steps.size();
  return static_cast<std::size_t>(std::count_if(embedded.begin(), embedded.end(), [&](const Migration& m) {
    return std::none_of(history.rows.begin(), history.rows.end(),
                        [&](const HistoryRow& row) { return row.version == m.version && row.state == HistoryState::applied; });
  }));
}

}  // namespace dbinit
