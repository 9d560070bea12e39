#include "history.hpp"

#include <cctype>
#include <cstring>

#include "checksum.hpp"
#include "sql_split.hpp"

namespace dbinit {

namespace {

bool valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) return false;
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string quote_identifier(std::string_view name) { return "\"" + std::string(name) + "\""; }

// One DO block, one statement: take the transaction-level lock or fail with
// DBI01, then check the version is (still) pending, or (still) applied when
// going down, or fail with DBI02. The check is a nested IF so that it is only
// planned once the history table is known to exist.
std::string guard_sql(const HistoryTable& table, long long version, bool expect_present) {
  const std::string version_text = std::to_string(version);
  const std::string changed = "RAISE EXCEPTION USING ERRCODE = '" + std::string(already_done_sqlstate) +
                              "', MESSAGE = 'dbinit: version " + version_text + " was changed by another session'; ";
  const std::string exists = "EXISTS (SELECT 1 FROM " + table.qualified + " WHERE version = " + version_text + ")";
  const std::string table_exists = "pg_catalog.to_regclass(" + quote_literal(table.qualified) + ") IS NOT NULL";
  std::string sql = "DO $dbinit$ BEGIN IF NOT pg_catalog.pg_try_advisory_xact_lock(" + std::to_string(table.lock_key) +
                    ") THEN RAISE EXCEPTION USING ERRCODE = '" + std::string(lock_busy_sqlstate) +
                    "', MESSAGE = 'dbinit migration lock is held by another session'; END IF; ";
  if (expect_present)
    sql += "IF NOT " + table_exists + " THEN " + changed + "END IF; IF NOT " + exists + " THEN " + changed + "END IF; ";
  else
    sql += "IF " + table_exists + " THEN IF " + exists + " THEN " + changed + "END IF; END IF; ";
  return sql + "END $dbinit$;\n";
}

}  // namespace

std::optional<HistoryTable> parse_history_table(std::string_view name, std::string& error) {
  HistoryTable table;
  const auto dot = name.find('.');
  const auto schema = dot == std::string_view::npos ? std::string_view{} : name.substr(0, dot);
  const auto relation = dot == std::string_view::npos ? name : name.substr(dot + 1);
  if ((dot != std::string_view::npos && !valid_identifier(schema)) || !valid_identifier(relation)) {
    error = "invalid history table name '" + std::string(name) +
            "': expected table or schema.table, each a letter or underscore followed by letters, digits, _ or $";
    return std::nullopt;
  }
  if (dot != std::string_view::npos) table.schema = lower(schema);
  table.table = lower(relation);
  table.qualified = (table.schema ? quote_identifier(*table.schema) + "." : "") + quote_identifier(table.table);
  const std::string digest = sha256_hex("dbinit:" + lower(name));
  const std::uint64_t key = std::stoull(digest.substr(0, 16), nullptr, 16);
  std::memcpy(&table.lock_key, &key, sizeof key);
  return table;
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? "''" : std::string(1, c);
  return out + "'";
}

std::string read_history_sql(const HistoryTable& table) {
  return "SELECT version, name, checksum, state, applied_at::text FROM " + table.qualified + " ORDER BY version";
}

std::optional<History> parse_history(const std::vector<PgResult>& results, std::string& error) {
  History history;
  if (auto failure = first_error(results)) {
    // 42P01: undefined_table; 3F000: invalid_schema_name. Both mean "fresh".
    if (failure->sqlstate == "42P01" || failure->sqlstate == "3F000") return history;
    error = failure->message + " (SQLSTATE " + failure->sqlstate + ")";
    return std::nullopt;
  }
  if (results.empty() || PQresultStatus(results.back().get()) != PGRES_TUPLES_OK || PQnfields(results.back().get()) != 5) {
    error = "unexpected answer to the history query";
    return std::nullopt;
  }
  history.table_exists = true;
  const PGresult* result = results.back().get();
  for (int row = 0; row < PQntuples(result); ++row) {
    HistoryRow entry;
    entry.version = std::stoll(PQgetvalue(result, row, 0));
    entry.name = PQgetvalue(result, row, 1);
    entry.checksum = PQgetvalue(result, row, 2);
    entry.state = PQgetvalue(result, row, 3);
    entry.applied_at = PQgetvalue(result, row, 4);
    history.rows.push_back(std::move(entry));
  }
  return history;
}

std::string create_table_sql(const HistoryTable& table) {
  std::string sql;
  if (table.schema) sql += "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(*table.schema) + ";\n";
  sql += "CREATE TABLE IF NOT EXISTS " + table.qualified +
         " (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
         "state text NOT NULL CHECK (state IN ('applied', 'dirty')), applied_at timestamptz NOT NULL DEFAULT now(), "
         "duration_ms integer, applied_by text NOT NULL);\n";
  return sql;
}

ApplyMessage apply_up_message(const HistoryTable& table, const Migration& migration, bool create_table,
                              std::string_view applied_by) {
  ApplyMessage message;
  message.sql = guard_sql(table, migration.version, false);
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

ApplyMessage apply_down_message(const HistoryTable& table, const Migration& migration) {
  ApplyMessage message;
  message.sql = guard_sql(table, migration.version, true);
  message.statements_before_file = 1;
  message.file_character_offset = character_count(message.sql);
  message.sql += migration.down->sql;
  message.sql += "\n;\nDELETE FROM " + table.qualified + " WHERE version = " + std::to_string(migration.version) + ";";
  return message;
}

std::string try_session_lock_sql(const HistoryTable& table) {
  return "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(table.lock_key) + ")";
}

std::string release_session_lock_sql(const HistoryTable& table) {
  return "SELECT pg_catalog.pg_advisory_unlock(" + std::to_string(table.lock_key) + ")";
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

std::string repair_sql(const HistoryTable& table, long long version) {
  return "DELETE FROM " + table.qualified + " WHERE version = " + std::to_string(version) + " AND state = 'dirty'";
}

std::string lock_holder_sql(const HistoryTable& table) {
  const auto key = static_cast<std::uint64_t>(table.lock_key);
  return "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
         "coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::integer, 0) "
         "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
         "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " + std::to_string(key >> 32) +
         " AND l.objid = " + std::to_string(key & 0xFFFFFFFFu) + " AND l.objsubid = 1";
}

}  // namespace dbinit
