// DROP COLUMN breaks the queries of the app that is still running when it commits.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {"ALTER TABLE t DROP COLUMN c;"};
constexpr std::string_view good[] = {
    "-- dbinit:lint-ignore drop-column release 12 stopped reading c\nALTER TABLE t DROP COLUMN c;",
};

}  // namespace

extern const Rule drop_column{
    .name = "drop-column",
    .found_on = "`DROP COLUMN`",
    .cost = "the running app's queries that name the dropped column of {} fail from the commit on (during a rolling "
            "deploy the old code still runs)",
    .safe_way = "release code that no longer uses the column first, then drop it in a later migration",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
