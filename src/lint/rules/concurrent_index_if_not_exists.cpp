// A CONCURRENTLY build that fails leaves an invalid index behind, and
// IF NOT EXISTS then skips it: the next run "succeeds" without the index.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_INDEX_STMT) return;
  const PgQuery__IndexStmt& index = *statement.index_stmt;
  if (index.concurrent && index.if_not_exists) breaches.on(table_name(index.relation));
}

constexpr std::string_view bad[] = {
    "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b);",
};
constexpr std::string_view good[] = {"-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY t_b ON t (b);"};

}  // namespace

extern const Rule concurrent_index_if_not_exists{
    .name = "concurrent-index-if-not-exists",
    .found_on = "`CREATE INDEX CONCURRENTLY IF NOT EXISTS` (on any table)",
    .cost = "a CONCURRENTLY build on {} that fails or is interrupted leaves an invalid index, which IF NOT EXISTS "
            "then skips on the next run",
    .safe_way = "CREATE INDEX CONCURRENTLY without IF NOT EXISTS; after a failure, DROP INDEX CONCURRENTLY the "
                "invalid index and run again (dbinit migrate --repair)",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
