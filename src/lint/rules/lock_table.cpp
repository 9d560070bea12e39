// An explicit lock lasts until the migration commits, whatever it was taken for.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_LOCK_STMT) return;
  breaches.on_each_live_table(tables_of(statement.lock_stmt->n_relations, statement.lock_stmt->relations));
}

constexpr std::string_view bad[] = {"LOCK TABLE t IN ACCESS EXCLUSIVE MODE;", "LOCK t, parents;"};
constexpr std::string_view good[] = {"ALTER TABLE t ADD COLUMN d int;"};

}  // namespace

extern const Rule lock_table{
    .name = "lock-table",
    .found_on = "`LOCK TABLE`",
    .cost = "LOCK TABLE holds {} locked until the migration commits, and the app's queries queue behind it",
    .safe_way = "leave the locks to the statements that need them: dbinit's --ddl-lock-timeout keeps each wait short",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
