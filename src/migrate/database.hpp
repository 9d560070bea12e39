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
#include "migrate/batch.hpp"
#include "migrate/history.hpp"
#include "migrate/messages.hpp"
#include "migration_set/sql_split.hpp"

namespace dbinit {

enum class StepResult {
  applied,              // done, and recorded in the history
  lock_busy,            // another session holds the migration lock; nothing changed
  applied_elsewhere,    // another replica applied (or reverted) this version first; nothing changed
  table_lock_conflict,  // a statement waited longer than the table lock timeout, or lost a deadlock; rolled back
  failed,               // the migration failed (MigrationFailure says what is left)
  stopped,              // a stop signal cancelled it
  connection_lost,      // the connection broke; whether the server committed is for the history to tell
};

// A migration the server refused: what it said, where in the file, and what
// is known to be left of it.
struct MigrationFailure {
  std::string file;
  std::string message;
  std::string sqlstate;
  std::string detail;  // the server's DETAIL, one finding a line
  std::optional<LineColumn> at;
  // In a transaction the whole migration was rolled back; without one, the
  // statements before the failing one completed and stay.
  bool rolled_back = true;
  std::size_t statements_completed = 0;
  bool left_dirty = false;  // its version stays marked dirty until --repair
  std::vector<InvalidIndex> invalid_indexes;  // on the tables it names, after it stopped
};

struct StepOutcome {
  StepOutcome(StepResult result = StepResult::applied, std::string error = {})
      : result(result), error(std::move(error)) {}
  static StepOutcome failed_with(MigrationFailure failure) {
    StepOutcome failed(StepResult::failed);
    failed.failure = std::move(failure);
    return failed;
  }

  StepResult result;
  std::string error;  // connection_lost, table_lock_conflict: what libpq or the server said
  std::optional<MigrationFailure> failure;  // failed
  // stopped: the server answered the cancel request, so whatever it had not
  // committed was rolled back. False: nobody knows.
  bool settled = false;
  // stopped, connection_lost: a no-transaction step was under way, its
  // version marked dirty.
  bool left_dirty = false;
};

// What became of a batch: the steps the server committed, in order, with
// their durations as it measured them (nullopt where it cannot tell), then
// what became of the step after them (applied: all were committed).
struct BatchOutcome {
  std::vector<std::optional<Milliseconds>> committed;
  StepOutcome rest;
};

// What became of one message sent alone (a no-transaction step's).
enum class Delivery {
  answered,         // the server answered: done, or error
  stopped,          // a stop signal cancelled it
  connection_lost,  // the connection broke
};

struct MessageAnswer {
  Delivery delivery = Delivery::answered;
  std::optional<StatementError> error{};  // answered with an error
  std::string connection_error{};         // connection_lost: what libpq said
  bool settled = false;                 // stopped: the server answered the cancel request
  bool found = false;  // take_lock: the lock was free; check_recorded: the version is recorded
  std::vector<InvalidIndex> invalid_indexes{};  // check_invalid_indexes
};

struct Reread {
  std::optional<History> history;
  std::optional<int> stop_signal;
  ExitCode failure = ExitCode::migration_failed;  // when neither is set
};

class MigrationDatabase {
 public:
  virtual ~MigrationDatabase() = default;

  // What the messages are built from (migrate/messages.hpp).
  virtual const MessageContext& context() const = 0;
  // Applies a batch of transactional steps (migrate/batch.hpp) in one
  // message under the migration lock; the first step that does not apply
  // stops it.
  virtual BatchOutcome apply(const Batch& batch, bool table_exists) = 0;
  // Sends one message of a no-transaction step (migrate/no_transaction.hpp
  // sends them in order) and reads its answer.
  virtual MessageAnswer send(const NoTransactionMessage& message) = 0;
  // The history, read again; reconnects first when the connection broke.
  virtual Reread reread() = 0;
  // Removes the dirty mark of version; false when it has none.
  virtual bool repair(long long version) = 0;
  // The invalid indexes on the tables a migration's index statements name;
  // nullopt when the database could not tell.
  virtual std::optional<std::vector<InvalidIndex>> invalid_indexes(const Migration& migration) = 0;
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
