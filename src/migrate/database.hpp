#pragma once
// The migrate phase's boundary with the database, in the manner of ninja's
// DiskInterface: the state machine (migrate/apply.hpp) sees only this, so its
// unit tests put a scripted database in its place; PgMigrationDatabase
// (migrate/pg_database.hpp) is the real one. Time and stop signals cross the
// same boundary, so that lock timeouts and stops are tested without waiting.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "migrate/history.hpp"
#include "migrate/plan.hpp"

namespace dbinit {

enum class StepResult {
  applied,            // done, and recorded in the history
  lock_busy,          // another session holds the migration lock; nothing changed
  applied_elsewhere,  // another replica applied (or reverted) this version first; nothing changed
  table_lock_conflict,  // a statement waited longer than the table lock timeout, or lost a deadlock; rolled back
  failed,             // the migration failed and was rolled back; logged with file, line and column
  stopped,            // a stop signal cancelled it; rolled back
  connection_lost,    // the connection broke; whether the server committed is for the history to tell
};

struct StepOutcome {
  StepOutcome(StepResult result, Milliseconds duration = Milliseconds(0), std::string error = {})
      : result(result), duration(duration), error(std::move(error)) {}
  StepResult result;
  Milliseconds duration;
  std::string error;  // connection_lost: what libpq said
  // stopped: whether the server committed the step (it answered the cancel
  // request: rolled back, or it had finished); nullopt when nobody knows.
  std::optional<bool> committed;
};

// A batch of steps (MigrationDatabase::apply_batch): the ones the server
// committed, in order, with their durations as the server measured them
// (nullopt where it cannot tell: the last committed before the batch
// stopped, or every one when the answer never came), then what became of
// the step after them.
struct BatchOutcome {
  std::vector<std::optional<Milliseconds>> committed;
  StepOutcome rest{StepResult::applied};  // applied: every step of the batch was committed
};

struct Reread {
  std::optional<History> history;
  std::optional<int> stop_signal;
  ExitCode failure = ExitCode::migration_failed;  // when neither is set
};

class MigrationDatabase {
 public:
  virtual ~MigrationDatabase() = default;

  // One step of a plan, under the migration lock: a transactional migration
  // in one transaction; a no-transaction one with its dirty mark.
  virtual StepOutcome apply(const PlanStep& step, bool table_exists) = 0;
  // Several transactional up steps in one transaction: all applied, or none
  // (a database another tool built is adopted whole or left as it was).
  virtual StepOutcome apply_together(const std::vector<PlanStep>& steps, bool table_exists) = 0;
  // Transactional steps in one message, each in its own transaction, in
  // order; the first that does not apply stops the rest (migrate/step_sql.hpp).
  virtual BatchOutcome apply_batch(const std::vector<PlanStep>& steps, bool table_exists) = 0;
  // The history, read again; reconnects first when the connection broke.
  virtual Reread reread() = 0;
  // Removes the dirty mark of version; false when it has none.
  virtual bool repair(long long version) = 0;
  // Who holds the migration lock, for the log.
  virtual std::string lock_holder() = 0;
  // The sessions holding locks on the database's tables, for the log.
  virtual std::string table_lock_holders() = 0;

  virtual Clock::time_point now() = 0;
  // Sleeps unless a stop signal arrives first; returns that signal.
  virtual std::optional<int> sleep(Milliseconds duration) = 0;
  // The stop signal received, if any.
  virtual std::optional<int> stop_signal() = 0;
};

}  // namespace dbinit
