#pragma once
// A Migration built in memory, as load_migrations() would make it from files,
// for the migrate library's unit tests.
#include <string>

#include <vector>

#include "migration_set/checksum.hpp"
#include "migrate/history.hpp"
#include "migration_set/set.hpp"

namespace dbinit::test {

inline Migration migration(long long version, std::string name, std::string up_sql, std::string down_sql = "") {
  Migration m;
  m.version = version;
  m.name = std::move(name);
  m.checksum = migration_checksum(up_sql);
  m.up = {std::to_string(version) + "_" + m.name + ".up.sql", std::move(up_sql), false};
  if (!down_sql.empty()) m.down = MigrationScript{std::to_string(version) + "_" + m.name + ".down.sql", std::move(down_sql), false};
  return m;
}

// Version N of a numbered set: 000N_step_N, creating table tN, with a down file.
inline std::string padded(long long version) {
  auto text = std::to_string(version);
  return std::string(4 - std::min<std::size_t>(4, text.size()), '0') + text;
}

inline Migration numbered(long long version, std::string up_sql = "", bool with_down = true, bool no_transaction = false) {
  Migration m;
  m.version = version;
  m.name = "step_" + std::to_string(version);
  if (up_sql.empty()) up_sql = "CREATE TABLE t" + std::to_string(version) + " (x int);\n";
  m.checksum = migration_checksum(up_sql);
  m.up = {padded(version) + "_" + m.name + ".up.sql", std::move(up_sql), no_transaction};
  if (with_down)
    m.down = MigrationScript{padded(version) + "_" + m.name + ".down.sql", "DROP TABLE t" + std::to_string(version) + ";\n", false};
  return m;
}

inline std::vector<Migration> embedded(std::initializer_list<long long> versions) {
  std::vector<Migration> out;
  for (const auto version : versions) out.push_back(numbered(version));
  return out;
}

inline HistoryRow row_for(const Migration& m, HistoryState state = HistoryState::applied) {
  return {.version = m.version,
          .name = m.name,
          .checksum = m.checksum,
          .state = state,
          .applied_at = "2026-01-0" + std::to_string(m.version % 9 + 1) + " 10:00:00+00",
          .duration_ms = std::nullopt,
          .applied_by = "test"};
}

inline HistoryRow foreign_row(long long version) {
  return {.version = version,
          .name = "from_elsewhere",
          .checksum = migration_checksum("SELECT 'elsewhere';"),
          .state = HistoryState::applied,
          .applied_at = "2026-01-01 10:00:00+00",
          .duration_ms = std::nullopt,
          .applied_by = "test"};
}

inline History history_of(std::vector<HistoryRow> rows) { return {true, std::move(rows), std::nullopt}; }

inline History applied_all(const std::vector<Migration>& set) {
  History history{true, {}, std::nullopt};
  for (const auto& m : set) history.rows.push_back(row_for(m));
  return history;
}

}  // namespace dbinit::test
