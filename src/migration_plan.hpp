#pragma once
// What to do, given what is embedded and what the database has applied.
// Pure: every refusal (drift, dirty, missing down file) is decided here,
// before anything changes in the database.
#include <optional>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "history.hpp"
#include "migration_set.hpp"

namespace dbinit {

enum class StepDirection { up, down };

struct PlanStep {
  const Migration* migration;
  StepDirection direction;
};

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
  std::optional<long long> target;  // nullopt: the newest embedded version
  bool strict = false;              // database ahead of dbinit is an error
};

MigrationPlan plan_migrations(const std::vector<Migration>& embedded, const History& history, const PlanRequest& request);

enum class MigrationState { applied, pending, checksum_mismatch, unknown, dirty };
std::string_view state_name(MigrationState state);

struct StatusRow {
  long long version;
  std::string name;
  MigrationState state;
  std::string applied_at;  // empty when not applied
};

std::vector<StatusRow> migration_status(const std::vector<Migration>& embedded, const History& history);
// 0 up to date, 1 pending, 4 dirty, 6 mismatch or unknown version between known ones.
ExitCode status_exit_code(const std::vector<StatusRow>& rows, const std::vector<Migration>& embedded);
std::string format_status_table(const std::vector<StatusRow>& rows);

// Statements that would break the one-transaction-per-migration rule.
std::optional<std::string> transaction_control_problem(const MigrationScript& script);

}  // namespace dbinit
