#pragma once
// The history table (dbinit_schema_history by default): its name and its
// rows, as the history read (migrate/messages.hpp) returns them. Pure: reads
// results, never talks to the server.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.hpp"

namespace dbinit {

struct HistoryTable {
  std::string name;       // as given, lower-cased: what the lock key is derived from
  std::optional<std::string> schema;
  std::string table;
  std::string qualified;  // quoted, ready for SQL: "schema"."table"
};

// Accepts table or schema.table, unquoted identifiers (folded to lower case
// as PostgreSQL does). nullopt on anything else; history_table_forms says
// what is accepted.
std::optional<HistoryTable> parse_history_table(std::string_view name);
inline constexpr std::string_view history_table_forms =
    "table or schema.table, each a letter or underscore followed by letters, digits, _ or $";
HistoryTable default_history_table();  // dbinit_schema_history
// A name parse_history_table accepted (folded to lower case), quoted for SQL.
std::string quote_identifier(std::string_view name);

// What the history table's state column says of a version.
enum class HistoryState {
  applied,
  dirty,  // a no-transaction migration began and did not finish: --repair
};

struct HistoryRow {
  long long version = 0;
  std::string name;
  std::string checksum;
  HistoryState state = HistoryState::applied;
  std::string applied_at;
  std::optional<long long> duration_ms;  // NULL where it is not known
  std::string applied_by;                // "host (dbinit V)", "baselined by host (dbinit V)"
};

// A baseline records versions as applied without running them
// (--baseline); their rows say so in applied_by.
inline constexpr std::string_view baselined_prefix = "baselined by ";
bool is_baselined(const HistoryRow& row);

struct History {
  bool table_exists = false;
  std::vector<HistoryRow> rows;  // by version
  // The revision(s) in Alembic's alembic_version table, when there is one:
  // a database without dbinit's history but with this was built by Alembic.
  std::optional<std::string> alembic_revision;
};

// The history from the history read's results; nullopt and error when they
// hold an error other than "the table does not exist yet".
std::optional<History> parse_history(const std::vector<PgResult>& results, std::string& error);
// The same, logging why the history is not readable.
std::optional<History> history_from_results(const std::vector<PgResult>& results, const HistoryTable& table);

}  // namespace dbinit
