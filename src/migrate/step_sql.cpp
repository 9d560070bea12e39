#include "migrate/step_sql.hpp"

#include "migrate/lock.hpp"
#include "migrate/sql_split.hpp"
#include "pg/target.hpp"

namespace dbinit {

namespace {

std::string record_values(const Migration& migration, std::string_view state, std::string_view applied_by) {
  return std::to_string(migration.version) + ", " + quote_literal(migration.name) + ", " +
         quote_literal(migration.checksum) + ", " + std::string(state) + ", " + quote_literal(applied_by);
}

// On a history table that exists, a step going up opens with its record,
// which is also its lock and its version guard, in one plain statement (a
// PL/pgSQL block costs a compilation per migration, a third of what a
// trivial migration costs the server), after the transaction's settings:
// - the state is 'applied' only when the transaction lock was free; NULL,
//   the table's NOT NULL constraint refuses the row: lock_busy_record_sqlstate;
// - with the lock held, nobody else can be recording this version, so the
//   primary key refusing it means another replica applied it first:
//   recorded_already_record_sqlstate;
// - applied_at is when the step began: clock_timestamp(), as now() is when
//   the whole message began, the same for every step of a batch.
// Its duration is written afterwards, once for a whole batch (durations_sql).
ApplyMessage record_first_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                     std::string_view applied_by, const SettingStatements& settings) {
  ApplyMessage message;
  message.sql = settings.sql + "INSERT INTO " + table.qualified +
                " (version, name, checksum, state, applied_by, applied_at) VALUES (" +
                record_values(migration, "CASE WHEN " + try_transaction_lock_sql(lock_key) + " THEN 'applied' END",
                              applied_by) +
                ", pg_catalog.clock_timestamp());\n";
  message.record_guard_statement = settings.statements;
  message.statements_before_file = settings.statements + 1;
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.up.sql;
  // The file may end inside a line comment or without a semicolon.
  message.sql += "\n;\n";
  return message;
}

// Puts text holding `statements` statements before the message's own.
void prepend(ApplyMessage& message, const std::string& text, std::size_t statements) {
  message.sql.insert(0, text);
  message.statements_before_file += statements;
  if (message.record_guard_statement) *message.record_guard_statement += statements;
  message.file_character_offset += character_count(text);
}

// The first step on a fresh database creates the history table. It takes
// the lock first, in a DO block, so that replicas do not race to create the
// table; then CREATE TABLE IF NOT EXISTS, which sees a table another replica
// committed a moment ago (it locks the name, and that brings this session's
// catalog cache up to date); then it goes on as any other step, its record
// first: the primary key refuses a version another replica recorded first.
// The block made the transaction's settings too, so no SET LOCAL follows.
ApplyMessage create_table_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                     std::string_view applied_by, Milliseconds table_lock_timeout,
                                     bool asynchronous_commit) {
  ApplyMessage message = record_first_up_message(table, lock_key, migration, applied_by, SettingStatements{});
  prepend(message, lock_sql(lock_key, table_lock_timeout, asynchronous_commit) + create_table_sql(table),
          table.schema ? 3 : 2);
  return message;
}

ApplyMessage up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration, bool create_table,
                        std::string_view applied_by, Milliseconds table_lock_timeout, bool asynchronous_commit) {
  return create_table ? create_table_up_message(table, lock_key, migration, applied_by, table_lock_timeout,
                                                asynchronous_commit)
                      : record_first_up_message(table, lock_key, migration, applied_by,
                                                transaction_setting_statements(table_lock_timeout, asynchronous_commit));
}

ApplyMessage down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                          Milliseconds table_lock_timeout, bool asynchronous_commit) {
  ApplyMessage message;
  message.sql = lock_and_check_recorded_sql(table, lock_key, migration.version, table_lock_timeout, asynchronous_commit);
  message.statements_before_file = 1;
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.down->sql;
  message.sql += "\n;\nDELETE FROM " + table.qualified + " WHERE version = " + std::to_string(migration.version) +
                 " RETURNING " + migration_duration_sql() + ";";
  return message;
}

}  // namespace

ApplyMessage apply_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                              bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout) {
  ApplyMessage message = up_message(table, lock_key, migration, create_table, applied_by, table_lock_timeout, false);
  message.sql += durations_sql(table, {migration.version}, true);
  return message;
}

ApplyMessage apply_down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                Milliseconds table_lock_timeout) {
  return down_message(table, lock_key, migration, table_lock_timeout, false);
}

// Each step its own transaction block: a COMMIT ends one, and an error skips
// the rest of the message, so the steps before the failing one stay
// committed and none after it runs.
//
// Every commit but the last is asynchronous (synchronous_commit off for the
// transaction): the server acknowledges it once it is in the WAL buffers, not on
// disk, which saves a disk flush per migration. A crash cannot leave a
// partial or out-of-order state: each commit record is written to the WAL
// in order and never reordered, so what survives a crash is a prefix of the
// batch; the last commit is durable and flushes the WAL up to it, everything
// before it included; and a migration lost in a crash loses its history row
// with it (same transaction), so it is pending again and runs at the next
// start. A batch that stops early ends with a durable write for the same
// reason (end_batch_sql).
BatchMessage apply_batch_message(const HistoryTable& table, std::int64_t lock_key, const std::vector<PlanStep>& steps,
                                 bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout) {
  BatchMessage batch;
  std::vector<long long> up_versions;
  std::size_t characters = 0;  // of batch.sql, counted as it grows: it may hold thousands of files
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& step = steps[i];
    const bool last = i + 1 == steps.size();
    const bool up = step.direction == Direction::up;
    ApplyMessage message = up ? up_message(table, lock_key, *step.migration, create_table && i == 0, applied_by,
                                           table_lock_timeout, !last)
                              : down_message(table, lock_key, *step.migration, table_lock_timeout, !last);
    if (up) up_versions.push_back(step.migration->version);
    // A plan's steps going up come after those going down, so the last
    // step's transaction can write every duration.
    if (last && up) {
      message.sql += durations_sql(table, up_versions, true);
      batch.durations_before_last_commit = true;
    }
    prepend(message, "BEGIN;\n", 1);
    message.file_character_offset += characters;
    message.sql += "\nCOMMIT;\n";
    characters += character_count(message.sql);
    batch.sql += message.sql;
    message.sql.clear();  // the text is the batch's
    batch.steps.push_back(std::move(message));
  }
  return batch;
}

std::string durations_sql(const HistoryTable& table, const std::vector<long long>& versions, bool last_ends_now) {
  std::string list;
  for (const auto version : versions) list += (list.empty() ? "" : ", ") + std::to_string(version);
  const std::string end = last_ends_now ? "coalesce(successor.started, pg_catalog.clock_timestamp())" : "successor.started";
  return "UPDATE " + table.qualified + " AS recorded SET duration_ms = (extract(epoch FROM " + end +
         " - recorded.applied_at) * 1000)::integer FROM (SELECT version, lead(applied_at) OVER (ORDER BY applied_at, "
         "version) AS started FROM " + table.qualified + " WHERE version IN (" + list +
         ")) AS successor WHERE recorded.version = successor.version RETURNING recorded.version, recorded.duration_ms;\n";
}

std::string end_batch_sql(const HistoryTable& table, bool any_committed, const std::vector<long long>& committed_up) {
  // The failed step left its transaction block open (aborted).
  std::string sql = "ROLLBACK;\n";
  if (!any_committed) return sql;
  // A write, committed durably, flushes the WAL with every asynchronous
  // commit before it: what dbinit logged as applied is on disk. Where steps
  // went up, the write is their durations; the last one's end is not known.
  if (!committed_up.empty()) return sql + durations_sql(table, committed_up, false);
  return sql + "UPDATE " + table.qualified + " SET state = state WHERE version = (SELECT max(version) FROM " +
         table.qualified + ");";
}

std::string mark_dirty_sql(const HistoryTable& table, const Migration& migration, std::string_view applied_by) {
  return "INSERT INTO " + table.qualified + " (version, name, checksum, state, applied_by) VALUES (" +
         std::to_string(migration.version) + ", " + quote_literal(migration.name) + ", " +
         quote_literal(migration.checksum) + ", 'dirty', " + quote_literal(applied_by) + ")";
}

std::string mark_applied_sql(const HistoryTable& table, const Migration& migration, long long duration_ms) {
  return "UPDATE " + table.qualified + " SET state = 'applied', applied_at = now(), duration_ms = " +
         std::to_string(duration_ms) + " WHERE version = " + std::to_string(migration.version);
}

std::string applied_by() { return host_name() + " (dbinit " DBINIT_VERSION ")"; }

}  // namespace dbinit
