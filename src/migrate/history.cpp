#include "migrate/history.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "core/text.hpp"
#include "log/log.hpp"

namespace dbinit {

namespace {

bool valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > postgres_name_limit) return false;
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

bool is_baselined(const HistoryRow& row) { return row.state == HistoryState::applied && row.applied_by.starts_with(baselined_prefix); }

namespace {

// The columns the history read names (migrate/messages.hpp, read_history_sql).
constexpr const char* history_columns[] = {"version", "name", "checksum", "state", "applied_at", "duration_ms", "applied_by"};

std::optional<HistoryState> history_state(std::string_view text) {
  if (text == "applied") return HistoryState::applied;
  if (text == "dirty") return HistoryState::dirty;
  return std::nullopt;
}

// "<row><version_num>ae1027a6acf</version_num></row>..." -> "ae1027a6acf"
// (several heads joined with ","); nullopt for NULL, no table.
std::optional<std::string> alembic_revision_of(const PGresult* result) {
  const Rows rows(result);
  const auto value = rows.count() == 1 ? rows.value(0, "alembic_revisions") : std::nullopt;
  if (!value) return std::nullopt;
  const std::string_view xml = *value;
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
  const Rows rows(results.empty() ? nullptr : results.back().get());
  const bool readable = !results.empty() && PQresultStatus(results.back().get()) == PGRES_TUPLES_OK &&
                        std::all_of(std::begin(history_columns), std::end(history_columns),
                                    [&](const char* column) { return rows.has(column); });
  if (!readable) {
    error = "unexpected answer to the history query";
    return std::nullopt;
  }
  history.table_exists = true;
  for (int row = 0; row < rows.count(); ++row) {
    const auto state = history_state(rows.text(row, "state"));
    if (!state) {
      error = "version " + rows.text(row, "version") + " has the state '" + rows.text(row, "state") +
              "'; accepted: applied, dirty";
      return std::nullopt;
    }
    const auto duration = rows.value(row, "duration_ms");
    history.rows.push_back({.version = std::stoll(rows.text(row, "version")),
                            .name = rows.text(row, "name"),
                            .checksum = rows.text(row, "checksum"),
                            .state = *state,
                            .applied_at = rows.text(row, "applied_at"),
                            .duration_ms = duration ? std::optional(std::stoll(std::string(*duration))) : std::nullopt,
                            .applied_by = rows.text(row, "applied_by")});
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
