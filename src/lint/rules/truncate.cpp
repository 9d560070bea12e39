// TRUNCATE empties a table the running app still uses, under ACCESS EXCLUSIVE.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_TRUNCATE_STMT) return;
  breaches.on_each_live_table(tables_of(statement.truncate_stmt->n_relations, statement.truncate_stmt->relations));
}

constexpr std::string_view bad[] = {"TRUNCATE t;", "TRUNCATE TABLE t, parents CASCADE;"};
constexpr std::string_view good[] = {
    "DELETE FROM t WHERE id < 1000;",
    "CREATE TABLE scratch (id int);\nTRUNCATE scratch;",
};

}  // namespace

extern const Rule truncate{
    .name = "truncate",
    .found_on = "`TRUNCATE`",
    .cost = "TRUNCATE removes every row of {} under an ACCESS EXCLUSIVE lock, while the app may still read and write "
            "them",
    .safe_way = "DELETE the rows the app no longer needs, in batches with a WHERE clause",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
