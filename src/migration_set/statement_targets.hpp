#pragma once
// Which relation a statement works on, read from its first words the way
// the server's grammar orders them, and nothing past the name. Pure.
// - An index build names the table (or index) dbinit then looks at for the
//   invalid index a failed or interrupted build leaves behind (CREATE INDEX
//   CONCURRENTLY, REINDEX CONCURRENTLY), which IF NOT EXISTS would skip.
// - A CREATE TABLE names the table a baseline expects to find already.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct IndexBuild {
  // The table (CREATE INDEX ... ON table, REINDEX TABLE table) or index
  // (REINDEX INDEX index) as written: schema-qualified or quoted as in the
  // statement, for to_regclass(). Empty: every relation (REINDEX SCHEMA,
  // DATABASE, SYSTEM).
  std::string relation;
};

// nullopt when the statement builds no index.
std::optional<IndexBuild> index_build(std::string_view statement);

// The table CREATE [UNLOGGED] TABLE [IF NOT EXISTS] names, as written;
// nullopt for any other statement (CREATE TABLE ... AS included: a baseline
// asks about tables the models made, which a query does not).
std::optional<std::string> created_table(std::string_view statement);

}  // namespace dbinit
