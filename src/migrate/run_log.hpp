#pragma once
// What the log says of each outcome of a migration run: the state machine
// (migrate/apply.cpp) decides when, this says what, in the words that
// operators search for. Every line is the migrate phase's.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "migrate/batch.hpp"
#include "migrate/database.hpp"

namespace dbinit {

// "applied FILE" or "reverted FILE", with the duration the server measured.
void log_committed(const PlanStep& step, std::optional<Milliseconds> duration);
void log_baselined(const PlanStep& step);
void log_adopted(std::size_t migrations);
// The failure, what is known to be left of it, and what to do.
void log_failure(const MigrationFailure& failure, const Batch& batch);
void log_invalid_indexes(const std::vector<InvalidIndex>& invalid, long long version);
void log_stopped(const Batch& batch, const BatchOutcome& sent);
void log_applied_elsewhere(const Batch& batch, const BatchOutcome& sent);
void log_connection_lost(const Batch& batch, const BatchOutcome& sent);

// What was under way when a batch stopped: a migration's file, or the adoption.
std::string in_flight(const Batch& batch, const BatchOutcome& sent);

// The one line a run that tried to change the database ends with.
struct RunSummary {
  ExitCode exit_code = ExitCode::ok;
  std::optional<int> stop_signal;
  unsigned applied = 0;
  unsigned baselined = 0;
  std::optional<std::string> failed;  // the file of the migration that failed
  std::size_t pending = 0;
  std::optional<long long> version;   // the newest in the history
  Milliseconds elapsed{0};
};
void log_summary(const RunSummary& summary);

}  // namespace dbinit
