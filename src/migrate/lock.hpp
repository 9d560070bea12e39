#pragma once
// The migration lock: one PostgreSQL advisory lock per history table, so
// that any number of replicas apply each migration exactly once. Its key,
// the errors that say it is busy, and how long and how often a busy lock is
// polled. The SQL that takes and inspects it is in migrate/messages.hpp.
//
// dbinit never waits for the lock inside the server: a replica waiting in an
// open transaction would deadlock with a CREATE INDEX CONCURRENTLY in
// another. It tries, and on "busy" rolls back and polls with jittered backoff.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/backoff.hpp"
#include "migrate/history.hpp"

namespace dbinit {

// First 8 bytes of SHA-256("dbinit:" + history table name as given, lower-cased);
// 2281398760111336587 for dbinit_schema_history.
std::int64_t lock_key(const HistoryTable& table);

// SQLSTATEs dbinit raises itself inside its messages.
inline constexpr std::string_view lock_busy_sqlstate = "DBI01";          // another session holds the lock
inline constexpr std::string_view applied_elsewhere_sqlstate = "DBI02";  // another replica applied (or reverted) the version first

// What a step going up answers when its opening record cannot be made
// (migrate/messages.cpp): its state is NULL because the lock was busy
// (not_null_violation on the history table's state), or its version is
// recorded already, by another replica (unique_violation on the table).
inline constexpr std::string_view lock_busy_record_sqlstate = "23502";
inline constexpr std::string_view recorded_already_record_sqlstate = "23505";

// A statement gave up waiting for a table lock (lock_timeout), or the server
// chose it as a deadlock's victim: rolled back, nothing changed, try again.
bool is_table_lock_conflict(std::string_view sqlstate);

// --lock-timeout's default: how long dbinit waits for the migration lock,
// and for the app's table locks to let a migration through.
inline constexpr Milliseconds default_lock_timeout{300'000};

// Polling a busy lock: short first delays (the holder is usually one quick
// migration), at most a second apart.
inline constexpr BackoffPolicy lock_polling{Milliseconds(50), Milliseconds(1'000)};
// Backing off a table lock conflict: the app's transactions are short, and
// each try queues the app for up to table_lock_timeout, so not too often.
inline constexpr BackoffPolicy table_lock_backoff{Milliseconds(200), Milliseconds(5'000)};
// How often the log names the holder while dbinit waits.
inline constexpr Milliseconds lock_holder_report_interval{5'000};

// Waiting for a busy lock, as values: how long it has been busy, when to
// name the holder, when to give up (--lock-timeout).
class LockWait {
 public:
  explicit LockWait(Milliseconds timeout) : timeout_(timeout) {}

  struct Busy {
    Milliseconds waited;     // since the lock was first found busy
    bool give_up;            // waited >= timeout
    bool report_holder;      // the first time, then every lock_holder_report_interval
    Milliseconds delay_cap;  // sleep no longer than this (the time left)
  };
  Busy busy(Clock::time_point now);
  // The lock was taken: the next busy lock is a new wait.
  void acquired() { waiting_ = false; }

 private:
  Milliseconds timeout_;
  bool waiting_ = false;
  Clock::time_point since_{};
  Clock::time_point last_report_{};
};

}  // namespace dbinit
