// A DELETE of every row holds every row lock until the migration commits.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_DELETE_STMT || statement.delete_stmt->where_clause) return;
  breaches.on_live_table(table_name(statement.delete_stmt->relation));
}

constexpr std::string_view bad[] = {"DELETE FROM t;"};
constexpr std::string_view good[] = {"DELETE FROM t WHERE id BETWEEN 1 AND 1000;"};

}  // namespace

extern const Rule delete_without_where{
    .name = "delete-without-where",
    .found_on = "`DELETE` without `WHERE`",
    .cost = "a DELETE of every row of {} locks them all until the migration commits, while the app may still use them",
    .safe_way = "delete in batches with a WHERE clause, each in a migration or transaction of its own",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
