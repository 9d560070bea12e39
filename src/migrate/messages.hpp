#pragma once
// Every message dbinit sends to read the history, apply, record, lock, check
// or go down, built in one place: `dbinit migrate` sends them and
// `dbinit sql` prints them (migrate/reports.hpp). Pure: builds text.
//
// A batch (migrate/batch.hpp) is one message, one round trip. Each
// migration in it is its own transaction block (BEGIN ... COMMIT), so that
// an error skips the rest of the message and leaves the migrations before
// it committed; an adoption batch is one block for all of them. A
// no-transaction migration is a sequence of short messages, its statements
// each alone (CREATE INDEX CONCURRENTLY refuses a transaction block).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "migrate/batch.hpp"
#include "migrate/history.hpp"

namespace dbinit {

// What every message is built from. applied_by and the no-transaction
// duration are SQL: a literal when sending, a placeholder when printing.
struct MessageContext {
  HistoryTable table;
  std::int64_t lock_key = 0;
  std::string applied_by_sql;       // quote_literal(applied_by()) or :'applied_by'
  Milliseconds table_lock_timeout;  // --ddl-lock-timeout; zero: no limit
  bool printed = false;             // `dbinit sql`: what only the run knows is a placeholder
};

// What a baseline's check raises when none of the tables its migrations
// create exists: the wrong database.
inline constexpr std::string_view wrong_database_sqlstate = "DBI03";

// The placeholders `dbinit sql` prints for what only the run knows.
inline constexpr std::string_view applied_by_placeholder = ":'applied_by'";
inline constexpr std::string_view duration_placeholder = ":duration_ms";

// The history read: the first read of every migrating session, so that a
// no-op start is one message. Alembic's revision, if any (never an error),
// then the history rows (an error when there is no table yet).
std::string read_history_sql(const HistoryTable& table);

// Where one migration's file sits in a batch message, for naming the line
// of an error: the server reports a character position in the whole
// message, or, for a run-time error, only which statement failed.
struct FileInMessage {
  std::size_t character_offset = 0;        // where the file starts, in characters
  std::size_t statements_before_file = 0;  // dbinit's own, since the previous file
  std::size_t statements_after_file = 0;   // dbinit's own, before the next file
};

struct BatchMessage {
  std::string sql;
  std::vector<FileInMessage> files;  // one per step, in order
};

// A batch of transactional steps (never a no-transaction one). Going up, a
// migration's transaction opens with its history row, which is also its
// lock and its version guard; on a fresh database the first one takes the
// lock in a DO block and creates the table first. Going down, a DO block
// takes the lock and checks the version is still recorded; the row is
// deleted after the file. The durations of the steps going up are written
// once, in the last transaction, and returned as (dbinit_version,
// dbinit_duration_ms) rows, as is each step going down's. A baseline batch
// is one transaction of history rows, the files not sent, after a check
// that one of the tables they create exists.
BatchMessage batch_message(const MessageContext& context, const Batch& batch, bool create_table);

// After a batch stopped at a failing step (its block is open, aborted):
// ROLLBACK, and, when steps before it were committed asynchronously, a
// durable write that flushes them, which is the durations of those that
// went up (committed_up; their last one's end is not known).
std::string end_batch_sql(const HistoryTable& table, bool any_committed, const std::vector<long long>& committed_up);

// One message of a no-transaction migration.
struct NoTransactionMessage {
  enum class Kind {
    take_lock,              // the session lock: answers lock_taken_column, t or f
    create_table,           // the history table, when it does not exist yet
    check_recorded,         // answers a row when another replica recorded the version
    mark_dirty,
    set_lock_timeout,       // before a statement whose table lock limit differs from the last one's
    statement,              // one of the file's, alone
    check_invalid_indexes,  // after a statement that builds an index: invalid_indexes_sql
    reset_lock_timeout,
    mark_applied,           // sql empty: its duration is the run's (mark_applied_sql)
    release_lock,
  };
  Kind kind;
  std::string what;  // what it does, as `dbinit sql` heads it
  std::string sql;
  // A statement's place in the file, in bytes, and whether it gives way to
  // the app's table locks (a CONCURRENTLY statement waits as long as it
  // needs: giving up half-way would leave an invalid index).
  std::size_t offset = 0;
  bool gives_way = false;
};
inline constexpr std::string_view lock_taken_column = "dbinit_locked";

// The messages of a no-transaction migration, in the order they are sent:
// the one place that knows it. The run (migrate/no_transaction.hpp) sends
// them through the database seam, which `dbinit sql` prints.
std::vector<NoTransactionMessage> no_transaction_messages(const MessageContext& context, const Migration& migration,
                                                         bool create_table);
// duration: nullopt prints duration_placeholder.
std::string mark_applied_sql(const HistoryTable& table, const Migration& migration,
                             std::optional<Milliseconds> duration);

// A baseline's check that this is the database its migrations were made
// for: one of the tables they create exists, or it raises
// wrong_database_sqlstate. Empty when they create none. It only reads.
std::string baseline_check_sql(const std::vector<PlanStep>& steps);

// An index whose build failed or was interrupted: the server keeps it,
// marked invalid (pg_index.indisvalid), unused by queries yet maintained on
// every write, and CREATE INDEX IF NOT EXISTS skips it.
struct InvalidIndex {
  std::string index;
  std::string table;
};

// The invalid indexes (columns index_name, table_name) on the tables that the migration's
// index statements name (migration_set/statement_targets.hpp), or on every table
// when one of them rebuilds a whole schema or database; empty when it
// builds no index. Partitioned indexes are left out: one is invalid by
// design until every partition's index is attached.
std::string invalid_indexes_sql(const Migration& migration);

// `dbinit migrate --repair V`: removes the dirty mark of V.
std::string repair_sql(const HistoryTable& table, long long version);
// Who holds the migration lock: columns pid, application_name, client (its address), seconds (held).
std::string lock_holder_sql(std::int64_t key);
// The other sessions that hold locks on the database's own tables, longest
// open transaction first: whom a migration's table lock waited for.
// Columns pid, application_name, state, seconds (in a transaction), tables.
std::string table_lock_holders_sql();

// The channel `migrate` notifies in the transaction that records the last
// version of a batch going up, and that `--await-migrations` listens on:
// "dbinit_" and the lock key in hex, one per history table, always within
// PostgreSQL's 63-byte identifier limit whatever the table's name.
std::string notify_channel(const HistoryTable& table);
// The statement that notifies it, with the newest version recorded as payload.
std::string notify_sql(const HistoryTable& table, long long version);
// LISTEN on it: await sends this with its first history read after the
// wait phase's, so that no commit between the two goes unnoticed.
std::string listen_sql(const HistoryTable& table);

// `dbinit verify`: what makes a database not a scratch one (its first
// tables, views, sequences, types and functions outside the system schemas,
// extensions' members left out; no rows: empty), and the schema snapshot
// (migrate/schema_snapshot.hpp), one statement answering (kind, name, on,
// definition) rows, dbinit's history table and its schema left out.
std::string user_objects_sql();
std::string schema_snapshot_sql(const HistoryTable& table);

// "host (dbinit 0.1.0)": who applied a migration, for its history row.
std::string applied_by();
std::string quote_literal(std::string_view text);

}  // namespace dbinit
