#pragma once
// Which relations a statement that builds or rebuilds an index names, so
// that dbinit can look for the invalid index a failed or interrupted build
// leaves behind (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY), and which
// IF NOT EXISTS would then skip. Pure: reads the statement's first words the
// way the server's grammar orders them, and nothing past the name.
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

}  // namespace dbinit
