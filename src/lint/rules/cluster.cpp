// CLUSTER writes a new copy of the table in index order, under ACCESS EXCLUSIVE.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_CLUSTER_STMT) return;
  std::vector<std::string> tables;
  if (statement.cluster_stmt->relation) tables.push_back(table_name(statement.cluster_stmt->relation));
  breaches.on_each_live_table(tables);
}

constexpr std::string_view bad[] = {"CLUSTER t USING t_a;", "CLUSTER;"};
constexpr std::string_view good[] = {
    "-- dbinit:lint-ignore cluster t has ten rows, all of them static\nCLUSTER t USING t_a;",
};

}  // namespace

extern const Rule cluster{
    .name = "cluster",
    .found_on = "`CLUSTER`",
    .cost = "CLUSTER rewrites {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
    .safe_way = "pg_repack, run outside the migrations",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
