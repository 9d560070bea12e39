#pragma once
// The migration lock: one PostgreSQL advisory lock per history table, so
// that any number of replicas apply each migration exactly once. Its key,
// the SQL that takes, releases and inspects it, the errors dbinit raises
// about it, and how long and how often a busy lock is polled.
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

// How a migration's transaction that opens with a DO block (lock_sql,
// lock_and_check_recorded_sql) starts, as a select list of
// set_config(..., true) calls (SET LOCAL: each ends with the transaction):
// when it began (dbinit.started), synchronous_commit off when
// asynchronous_commit (why that is safe: step_sql.cpp), and the limit on its
// waits for table locks (lock_timeout; zero: no limit).
std::string transaction_settings_sql(Milliseconds table_lock_timeout, bool asynchronous_commit);

// The same settings but dbinit.started, as SET LOCAL statements: what a
// step going up opens with (a plain SET costs the server less than a
// set_config select). statements: how many there are.
struct SettingStatements {
  std::string sql;
  std::size_t statements = 0;
};
SettingStatements transaction_setting_statements(Milliseconds table_lock_timeout, bool asynchronous_commit);

// "Take the transaction-level lock, false when it is busy", as SQL.
std::string try_transaction_lock_sql(std::int64_t key);

// One statement for the start of a migration's transaction, in PL/pgSQL:
// the settings above, then take the transaction-level lock or raise DBI01.
// The step that creates the history table opens with it, so that replicas
// do not race to create the table; a step going up on a history table that
// exists does without it (step_sql.cpp): a DO block is compiled anew each time.
std::string lock_sql(std::int64_t key, Milliseconds table_lock_timeout, bool asynchronous_commit);

// lock_sql's block, then check that the version is still recorded (a step
// going down) or raise DBI02.
std::string lock_and_check_recorded_sql(const HistoryTable& table, std::int64_t key, long long version,
                                        Milliseconds table_lock_timeout, bool asynchronous_commit);

// What the record that opens a step going up answers when it cannot be
// made (step_sql.hpp): its state is NULL because the lock was busy, or its
// version is recorded already (another replica applied it first).
inline constexpr std::string_view lock_busy_record_sqlstate = "23502";          // not_null_violation
inline constexpr std::string_view recorded_already_record_sqlstate = "23505";   // unique_violation

// The milliseconds since the migration's transaction began, as SQL (it
// reads what transaction_settings_sql recorded).
std::string migration_duration_sql();

// A statement gave up waiting for a table lock (lock_timeout), or the server
// chose it as a deadlock's victim: rolled back, nothing changed, try again.
bool is_table_lock_conflict(std::string_view sqlstate);

// The no-transaction form: the session's lock_timeout for the next statement.
std::string session_lock_timeout_sql(Milliseconds table_lock_timeout);

// The other sessions that hold locks on the database's own tables, longest
// open transaction first: whom a migration's table lock waited for.
std::string table_lock_holders_sql();

// The session-level lock of no-transaction migrations.
std::string try_session_lock_sql(std::int64_t key);
std::string release_session_lock_sql(std::int64_t key);

// Who holds the lock: pid, application_name, client address, seconds held.
std::string lock_holder_sql(std::int64_t key);

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
