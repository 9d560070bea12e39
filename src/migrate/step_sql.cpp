#include "migrate/step_sql.hpp"

#include "migrate/lock.hpp"
#include "migrate/sql_split.hpp"
#include "pg/target.hpp"

namespace dbinit {

ApplyMessage apply_up_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                              bool create_table, std::string_view applied_by, Milliseconds table_lock_timeout) {
  ApplyMessage message;
  message.sql = lock_and_check_sql(table, lock_key, migration.version, false, table_lock_timeout);
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
                 ", 'applied', (extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.now()) * 1000)::integer, " +
                 quote_literal(applied_by) + ");";
  return message;
}

ApplyMessage apply_down_message(const HistoryTable& table, std::int64_t lock_key, const Migration& migration,
                                Milliseconds table_lock_timeout) {
  ApplyMessage message;
  message.sql = lock_and_check_sql(table, lock_key, migration.version, true, table_lock_timeout);
  message.statements_before_file = 1;
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.down->sql;
  message.sql += "\n;\nDELETE FROM " + table.qualified + " WHERE version = " + std::to_string(migration.version) + ";";
  return message;
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
