#pragma once
// The history table (dbinit_schema_history by default): its name, the
// advisory lock key derived from that name, and the SQL dbinit sends about
// it. Pure: builds text and reads results, never talks to the server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration_set.hpp"
#include "pg.hpp"

namespace dbinit {

struct HistoryTable {
  std::optional<std::string> schema;
  std::string table;
  std::string qualified;  // quoted, ready for SQL: "schema"."table"
  std::int64_t lock_key;  // first 8 bytes of SHA-256("dbinit:" + name as given, lower-cased)
};

// Accepts table or schema.table, unquoted identifiers (folded to lower case
// as PostgreSQL does). Returns nullopt and sets error on anything else.
std::optional<HistoryTable> parse_history_table(std::string_view name, std::string& error);

struct HistoryRow {
  long long version = 0;
  std::string name;
  std::string checksum;
  std::string state;  // "applied" or "dirty"
  std::string applied_at;
};

struct History {
  bool table_exists = false;
  std::vector<HistoryRow> rows;  // by version
};

std::string read_history_sql(const HistoryTable& table);
// Reads the probe/read result; nullopt (and error) when it is an error other
// than "the table does not exist yet".
std::optional<History> parse_history(const std::vector<PgResult>& results, std::string& error);

// SQLSTATEs dbinit raises itself inside its messages.
inline constexpr std::string_view lock_busy_sqlstate = "DBI01";
inline constexpr std::string_view already_done_sqlstate = "DBI02";

// One message, one round trip, one transaction: take the transaction-level
// lock (or fail with DBI01) and check the version is still pending (or fail
// with DBI02) in one statement, create the history table if needed, run the
// file, record it.
struct ApplyMessage {
  std::string sql;
  std::size_t statements_before_file = 0;  // results that precede the file's own
  std::size_t file_character_offset = 0;   // where the file starts, in characters
};
ApplyMessage apply_up_message(const HistoryTable& table, const Migration& migration, bool create_table,
                              std::string_view applied_by);
ApplyMessage apply_down_message(const HistoryTable& table, const Migration& migration);

// No-transaction migrations, one statement per message on a session lock.
std::string try_session_lock_sql(const HistoryTable& table);
std::string release_session_lock_sql(const HistoryTable& table);
std::string create_table_sql(const HistoryTable& table);
std::string mark_dirty_sql(const HistoryTable& table, const Migration& migration, std::string_view applied_by);
std::string mark_applied_sql(const HistoryTable& table, const Migration& migration, long long duration_ms);
std::string repair_sql(const HistoryTable& table, long long version);

// Who holds the lock: pid, application_name, client address, seconds held.
std::string lock_holder_sql(const HistoryTable& table);

std::string quote_literal(std::string_view text);

}  // namespace dbinit
