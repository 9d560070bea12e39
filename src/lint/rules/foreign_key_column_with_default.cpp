// ADD COLUMN ... REFERENCES with a default: every existing row gets the
// default, so PostgreSQL validates the new foreign key with a full scan,
// under the ADD COLUMN's ACCESS EXCLUSIVE lock. Without a default every row
// is NULL and PostgreSQL skips the validation; it does not tell an explicit
// DEFAULT NULL from another default (PostgreSQL 17 scans for it too).
#include <algorithm>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn) return;
    const PgQuery__ColumnDef* column = column_definition(command);
    if (!column) return;
    const auto constraints = constraints_of(*column);
    const bool references = std::any_of(constraints.begin(), constraints.end(), [](const auto* constraint) {
      return constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
    });
    if (references && default_of(*column)) breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ADD COLUMN parent int REFERENCES parents (id) DEFAULT 0;",
    "ALTER TABLE t ADD COLUMN parent int NOT NULL DEFAULT 1 REFERENCES parents;",
    "ALTER TABLE t ADD COLUMN parent int REFERENCES parents (id) DEFAULT NULL;",
};
constexpr std::string_view good[] = {
    "ALTER TABLE t ADD COLUMN parent int REFERENCES parents (id);",
    "ALTER TABLE t ADD COLUMN parent int;\nALTER TABLE t ALTER COLUMN parent SET DEFAULT 0;",
};

}  // namespace

extern const Rule foreign_key_column_with_default{
    .name = "foreign-key-column-with-default",
    .found_on = "`ADD COLUMN ... REFERENCES` with a default (even `DEFAULT NULL`)",
    .cost = "the new column's foreign key is validated against every row of {}, each holding the default, with a "
            "full scan under ACCESS EXCLUSIVE, blocking its reads and writes",
    .safe_way = "add the column with its REFERENCES and no default (PostgreSQL skips validating a column of NULLs), "
                "then ALTER COLUMN ... SET DEFAULT and fill the existing rows in batches",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
