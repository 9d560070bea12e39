// REINDEX without CONCURRENTLY locks out writes to the table and takes an
// ACCESS EXCLUSIVE lock on each index it rebuilds, which blocks the reads
// that would use it, for the whole rebuild.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_REINDEX_STMT) return;
  const PgQuery__ReindexStmt& reindex = *statement.reindex_stmt;
  const auto concurrently = option_named(reindex.n_params, reindex.params, "concurrently");
  if (concurrently && *concurrently != "false") return;
  switch (reindex.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
      breaches.on_live_table(table_name(reindex.relation));
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: {
      const std::string index = table_name(reindex.relation);
      const auto table = memory.index_tables.find(index);
      if (table != memory.index_tables.end())
        breaches.on_live_table(table->second, "index " + index);
      else
        breaches.on("the table of " + index, "an index the set does not create: taken to be on a table the app uses");
      break;
    }
    default: breaches.on("every table"); break;  // SCHEMA, DATABASE, SYSTEM
  }
}

constexpr std::string_view bad[] = {"REINDEX INDEX t_a;", "REINDEX TABLE t;", "REINDEX SCHEMA public;"};
constexpr std::string_view good[] = {
    "-- dbinit:no-transaction\nREINDEX INDEX CONCURRENTLY t_a;",
    "-- dbinit:no-transaction\nREINDEX (VERBOSE) TABLE CONCURRENTLY t;",
};

}  // namespace

extern const Rule reindex_not_concurrent{
    .name = "reindex-not-concurrent",
    .found_on = "`REINDEX` without `CONCURRENTLY`",
    .cost = "REINDEX blocks every write to {} and, with an ACCESS EXCLUSIVE lock on each index it rebuilds, the "
            "reads that use it, until the rebuild is done",
    .safe_way = "REINDEX ... CONCURRENTLY, in a migration of its own that starts with -- dbinit:no-transaction",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
