// A rename breaks the queries of the app that is still running when it commits.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_RENAME_STMT) return;
  const PgQuery__RenameStmt& rename = *statement.rename_stmt;
  const bool of_table = rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                        (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
                         rename.relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE);
  if (of_table) breaches.on_live_table(table_name(rename.relation));
}

constexpr std::string_view bad[] = {"ALTER TABLE t RENAME COLUMN a TO title;", "ALTER TABLE t RENAME TO items;"};
constexpr std::string_view good[] = {
    "ALTER TABLE t ADD COLUMN title varchar(10);\nCREATE VIEW t_titles AS SELECT id, a AS title FROM t;",
};

}  // namespace

extern const Rule rename{
    .name = "rename",
    .found_on = "`RENAME` of a table or a column",
    .cost = "the running app's queries that use the old name of {} (or of its column) fail from the commit on",
    .safe_way = "add the new column or table beside the old one (or a view with the old name), move the app over, "
                "then remove the old one in a later migration",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
