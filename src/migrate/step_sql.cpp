#include "migrate/step_sql.hpp"

#include "migrate/lock.hpp"
#include "migrate/sql_split.hpp"
#include "pg/target.hpp"

namespace dbinit {

ApplyMessage apply_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                              bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout) {
  ApplyMessage message;
  message.sql = lock_and_check_sql(table, lock_key, migration.version, false, create_table, table_lock_timeout);
  message.statements_before_file = 1;
  if (create_table) {
    message.sql += create_table_sql(table);
    message.statements_before_file += table.schema ? 2 : 1;
  }
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.up.sql;
  // The file may end inside a line comment or without a semicolon.
  message.sql += "\n;\nINSERT INTO " + table.qualified +
                 " (version, name, checksum, state, duration_ms, applied_by) VALUES (" +
                 std::to_string(migration.version) + ", " + quote_literal(migration.name) + ", " +
                 quote_literal(migration.checksum) +
                 ", 'applied', " + migration_duration_sql() + ", " +
                 quote_literal(applied_by) + ") RETURNING duration_ms;";
  return message;
}

ApplyMessage apply_down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                Milliseconds table_lock_timeout) {
  ApplyMessage message;
  message.sql = lock_and_check_sql(table, lock_key, migration.version, true, false, table_lock_timeout);
  message.statements_before_file = 1;
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.down->sql;
  message.sql += "\n;\nDELETE FROM " + table.qualified + " WHERE version = " + std::to_string(migration.version) +
                 " RETURNING " + migration_duration_sql() + ";";
  return message;
}

// Each step its own transaction block: a COMMIT ends one, and an error skips
// the rest of the message, so the steps before the failing one stay
// committed and none after it runs.
//
// Every commit but the last is asynchronous (SET LOCAL synchronous_commit =
// off): the server acknowledges it once it is in the WAL buffers, not on
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
  std::size_t characters = 0;  // of batch.sql, counted as it grows: it may hold thousands of files
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& step = steps[i];
    const bool last = i + 1 == steps.size();
    ApplyMessage message = step.direction == Direction::up
                               ? apply_up_message(table, lock_key, *step.migration, create_table && i == 0,
                                                  applied_by, table_lock_timeout)
                               : apply_down_message(table, lock_key, *step.migration, table_lock_timeout);
    const std::string opening = last ? "BEGIN;\n" : "BEGIN;\nSET LOCAL synchronous_commit = off;\n";
    message.statements_before_file += last ? 1 : 2;
    message.file_character_offset += characters + character_count(opening);
    const std::string part = opening + message.sql + "\nCOMMIT;\n";
    characters += character_count(part);
    batch.sql += part;
    message.sql.clear();  // the text is the batch's
    batch.steps.push_back(std::move(message));
  }
  return batch;
}

std::string end_batch_sql(const HistoryTable& table, bool any_committed) {
  // The failed step left its transaction block open (aborted).
  std::string sql = "ROLLBACK;";
  // A write, committed durably, flushes the WAL with every asynchronous
  // commit before it: what dbinit logged as applied is on disk.
  if (any_committed)
    sql += "\nUPDATE " + table.qualified + " SET state = state WHERE version = (SELECT max(version) FROM " +
           table.qualified + ");";
  return sql;
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
