// SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, unless a
// validated CHECK (column IS NOT NULL) already proves it.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull) return;
    const auto known = memory.tables.find(table);
    if (known == memory.tables.end() || !known->second.validated_not_null.contains(command.name ? command.name : ""))
      breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ALTER COLUMN b SET NOT NULL;",
    "ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN b SET NOT NULL;",
};
// A transaction would hold the check's ACCESS EXCLUSIVE lock through the validation.
constexpr std::string_view good[] = {
    "-- dbinit:no-transaction\n"
    "ALTER TABLE t ADD CONSTRAINT t_b_not_null CHECK (b IS NOT NULL) NOT VALID;\n"
    "ALTER TABLE t VALIDATE CONSTRAINT t_b_not_null;\n"
    "ALTER TABLE t ALTER COLUMN b SET NOT NULL;",
    "ALTER TABLE t ALTER COLUMN id SET NOT NULL;",
};

}  // namespace

extern const Rule set_not_null{
    .name = "set-not-null",
    .found_on = "`SET NOT NULL` without a validated `CHECK (column IS NOT NULL)` (or `NOT NULL`) earlier in the set",
    .cost = "SET NOT NULL reads every row of {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
    .safe_way = "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT, then SET NOT NULL, "
                "which uses the validated check and reads nothing",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
