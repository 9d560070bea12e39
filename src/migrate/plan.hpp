#pragma once
// What to do, given what is embedded and what the database has applied.
// Pure: every refusal (drift, dirty, missing down file) is decided here,
// before anything changes in the database.
#include <optional>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "migrate/history.hpp"
#include "migration_set/set.hpp"

namespace dbinit {

struct PlanStep {
  const Migration* migration;
  Direction direction;
};

// The file a step runs: the up file, or the down file when reverting.
const MigrationScript& script_of(const PlanStep& step);

struct Refusal {
  ExitCode exit_code;
  std::string message;
};

struct MigrationPlan {
  std::vector<PlanStep> steps;
  std::vector<std::string> warnings;
  std::optional<Refusal> refusal;  // set: do nothing, exit with this code
};

struct PlanRequest {
  std::optional<long long> target;  // nullopt: the newest version
  bool strict = false;              // database ahead of dbinit is an error
};

// "3, 5, 8": versions in a message, or in SQL's IN (...).
std::string version_list(const std::vector<long long>& versions);

MigrationPlan plan_migrations(const std::vector<Migration>& embedded, const History& history, const PlanRequest& request);

// How many steps a plan made now would hold; when the plan would be refused
// (a dirty version, drift), how many migrations are not recorded as applied.
std::size_t count_pending(const std::vector<Migration>& embedded, const History& history, const PlanRequest& request);

}  // namespace dbinit
