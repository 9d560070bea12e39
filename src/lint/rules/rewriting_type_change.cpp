// ALTER COLUMN ... TYPE rewrites the table and its indexes under ACCESS
// EXCLUSIVE, except for the changes PostgreSQL makes in the catalog alone:
// a varchar (or text) that only gets wider, a numeric with more digits and
// the same scale. Only a type the set declared (through renames of the
// table and the column too) can be seen to widen.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

bool changes_catalog_only(const ColumnType& before, const ColumnType& after) {
  if (before == after) return true;
  if (before.array || after.array) return false;
  if (before.name == "varchar" || before.name == "text") {
    if (after.name == "text") return before.name == "varchar";
    if (after.name != "varchar") return false;
    if (after.modifiers.empty()) return true;
    return before.name == "varchar" && before.modifiers.size() == 1 && before.modifiers[0] >= 0 &&
           after.modifiers[0] >= before.modifiers[0];
  }
  if (before.name == "numeric" && after.name == "numeric") {
    if (after.modifiers.empty()) return true;
    if (before.modifiers.empty()) return false;
    const int scale_before = before.modifiers.size() > 1 ? before.modifiers[1] : 0;
    const int scale_after = after.modifiers.size() > 1 ? after.modifiers[1] : 0;
    return scale_before == scale_after && before.modifiers[0] >= 0 && after.modifiers[0] >= before.modifiers[0];
  }
  return false;
}

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType) return;
    const PgQuery__ColumnDef* column = column_definition(command);
    if (!column || !column->type_name) return;
    const ColumnType* before = memory.column(table, command.name ? command.name : "");
    // USING computes each row anew; a type the set never declared is unknown.
    if (column->raw_default || !before || !changes_catalog_only(*before, column_type(*column->type_name)))
      breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ALTER COLUMN b TYPE bigint;",
    "ALTER TABLE t ALTER COLUMN a TYPE varchar(5);",
    "ALTER TABLE t ALTER COLUMN a TYPE text USING upper(a);",
    "ALTER TABLE elsewhere ALTER COLUMN a TYPE text;",
};
constexpr std::string_view good[] = {
    "ALTER TABLE t ALTER COLUMN a TYPE varchar(20), ALTER COLUMN n TYPE numeric(12,2);",
    "ALTER TABLE t ALTER COLUMN a TYPE text;",
    "-- dbinit:lint-ignore rename release 7 reads both names\nALTER TABLE t RENAME TO items;\n"
    "ALTER TABLE items ALTER COLUMN a TYPE varchar(255);",
};

}  // namespace

extern const Rule rewriting_type_change{
    .name = "rewriting-type-change",
    .found_on = "`ALTER COLUMN ... TYPE`, except a widening the set shows: `varchar(n)` to a larger `n`, to "
                "`varchar` or `text`; `numeric(p,s)` to a larger `p` with the same `s` or to `numeric` (the set's "
                "renames of the table or column followed)",
    .cost = "ALTER COLUMN ... TYPE rewrites {} and its indexes under an ACCESS EXCLUSIVE lock, blocking its reads and "
            "writes",
    .safe_way = "widen only (varchar(n) to a larger n, to varchar or to text; numeric(p,s) to a larger p with the "
                "same s), or add a column of the new type, fill it in batches and switch the app over",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
