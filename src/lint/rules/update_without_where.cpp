// An UPDATE of every row holds every row lock until the migration commits.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_UPDATE_STMT || statement.update_stmt->where_clause) return;
  breaches.on_live_table(table_name(statement.update_stmt->relation));
}

constexpr std::string_view bad[] = {"UPDATE t SET b = 0;"};
constexpr std::string_view good[] = {"UPDATE t SET b = 0 WHERE id BETWEEN 1 AND 1000 AND b IS NULL;"};

}  // namespace

extern const Rule update_without_where{
    .name = "update-without-where",
    .found_on = "`UPDATE` without `WHERE`",
    .cost = "an UPDATE of every row of {} locks them all until the migration commits and writes a new version of each",
    .safe_way = "update in batches (WHERE id BETWEEN ...), each in a migration or transaction of its own",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
