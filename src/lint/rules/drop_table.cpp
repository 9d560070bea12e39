// DROP TABLE breaks the queries of the app that is still running when it commits.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_DROP_STMT) return;
  const PgQuery__DropStmt& drop = *statement.drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  std::vector<std::string> tables;
  for (std::size_t i = 0; i < drop.n_objects; ++i)
    if (drop.objects[i]->node_case == PG_QUERY__NODE__NODE_LIST)
      tables.push_back(last_name(drop.objects[i]->list->n_items, drop.objects[i]->list->items));
  breaches.on_each_live_table(tables);
}

constexpr std::string_view bad[] = {"DROP TABLE t;", "DROP TABLE IF EXISTS t, parents;"};
constexpr std::string_view good[] = {
    "-- dbinit:lint-ignore drop-table nothing has read t since release 9\nDROP TABLE t;",
    "CREATE TABLE scratch (id int);\nDROP TABLE scratch;",
};

}  // namespace

extern const Rule drop_table{
    .name = "drop-table",
    .found_on = "`DROP TABLE`",
    .cost = "the running app's queries on {} fail from the commit on (during a rolling deploy the old code still runs)",
    .safe_way = "release code that no longer uses the table first, then drop it in a later migration",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
