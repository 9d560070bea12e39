#include "migrate/history.hpp"

#include <cctype>

#include "core/text.hpp"
#include "log/log.hpp"

namespace dbinit {

namespace {

bool valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) return false;
  return true;
}

}  // namespace

std::optional<HistoryTable> parse_history_table(std::string_view name) {
  HistoryTable table;
  const auto dot = name.find('.');
  const auto schema = dot == std::string_view::npos ? std::string_view{} : name.substr(0, dot);
  const auto relation = dot == std::string_view::npos ? name : name.substr(dot + 1);
  if ((dot != std::string_view::npos && !valid_identifier(schema)) || !valid_identifier(relation)) return std::nullopt;
  table.name = lower(name);
  if (dot != std::string_view::npos) table.schema = lower(schema);
  table.table = lower(relation);
  table.qualified = (table.schema ? quote_identifier(*table.schema) + "." : "") + quote_identifier(table.table);
  return table;
}

HistoryTable default_history_table() { return *parse_history_table("dbinit_schema_history"); }

std::string quote_identifier(std::string_view name) { return "\"" + std::string(name) + "\""; }

bool is_baselined(const HistoryRow& row) { return row.state == "applied" && row.applied_by.starts_with(baselined_prefix); }

namespace {

// "<row><version_num>ae1027a6acf</version_num></row>..." -> "ae1027a6acf"
// (several heads joined with ","); nullopt for NULL, no table.
std::optional<std::string> alembic_revision_of(const PGresult* result) {
  if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1 || PQgetisnull(result, 0, 0)) return std::nullopt;
  const std::string_view xml = PQgetvalue(result, 0, 0);
  constexpr std::string_view open = "<version_num>", close = "</version_num>";
  std::string revisions;
  for (auto at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    at += open.size();
    const auto end = xml.find(close, at);
    if (end == std::string_view::npos) break;
    revisions += (revisions.empty() ? "" : ",") + std::string(xml.substr(at, end - at));
  }
  return revisions.empty() ? std::string("(empty)") : revisions;
}

}  // namespace

std::optional<History> parse_history(const std::vector<PgResult>& results, std::string& error) {
  History history;
  if (!results.empty()) history.alembic_revision = alembic_revision_of(results.front().get());
  if (auto failure = first_error(results)) {
    // 42P01: undefined_table; 3F000: invalid_schema_name. Both mean "fresh".
    if (failure->sqlstate == "42P01" || failure->sqlstate == "3F000") return history;
    error = failure->message + " (SQLSTATE " + failure->sqlstate + ")";
    return std::nullopt;
  }
  if (results.empty() || PQresultStatus(results.back().get()) != PGRES_TUPLES_OK || PQnfields(results.back().get()) != 7) {
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
    if (!PQgetisnull(result, row, 5)) entry.duration_ms = std::stoll(PQgetvalue(result, row, 5));
    entry.applied_by = PQgetvalue(result, row, 6);
    history.rows.push_back(std::move(entry));
  }
  return history;
}

std::optional<History> history_from_results(const std::vector<PgResult>& results, const HistoryTable& table) {
  std::string error;
  auto history = parse_history(results, error);
  if (!history) log::error(log::Phase::migrate, "cannot read the history table " + table.qualified + ": " + error);
  return history;
}

}  // namespace dbinit
