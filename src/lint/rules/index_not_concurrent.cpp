// CREATE INDEX without CONCURRENTLY takes a SHARE lock on the table for the
// whole build: reads go on, every write waits.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_INDEX_STMT || statement.index_stmt->concurrent) return;
  breaches.on_live_table(table_name(statement.index_stmt->relation));
}

constexpr std::string_view bad[] = {"CREATE INDEX t_b ON t (b);", "CREATE UNIQUE INDEX t_c ON t (c);"};
constexpr std::string_view good[] = {
    "-- dbinit:no-transaction\nCREATE INDEX CONCURRENTLY t_b ON t (b);",
    "CREATE TABLE notes (id int, body text);\nCREATE INDEX notes_body ON notes (body);",
};

}  // namespace

extern const Rule index_not_concurrent{
    .name = "index-not-concurrent",
    .found_on = "`CREATE INDEX` without `CONCURRENTLY`",
    .cost = "CREATE INDEX blocks every write to {} until the whole index is built",
    .safe_way = "CREATE INDEX CONCURRENTLY, in a migration of its own that starts with -- dbinit:no-transaction",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
