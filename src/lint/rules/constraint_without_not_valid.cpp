// ADD CONSTRAINT of a foreign key or a check validates every row while it
// holds the lock that blocks the table's writes (SHARE ROW EXCLUSIVE on
// both tables for a foreign key, ACCESS EXCLUSIVE for a check).
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    const PgQuery__Constraint* constraint = added_constraint(command);
    if (!constraint || constraint->skip_validation) return;
    if (constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
        constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
      breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES parents (id);",
    "ALTER TABLE t ADD CONSTRAINT t_b_positive CHECK (b > 0);",
};
constexpr std::string_view good[] = {
    "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES parents (id) NOT VALID;",
    "-- dbinit:no-transaction\n"
    "ALTER TABLE t ADD CONSTRAINT t_b_positive CHECK (b > 0) NOT VALID;\n"
    "ALTER TABLE t VALIDATE CONSTRAINT t_b_positive;",
};

}  // namespace

extern const Rule constraint_without_not_valid{
    .name = "constraint-without-not-valid",
    .found_on = "`ADD CONSTRAINT` of a foreign key or check without `NOT VALID`",
    .cost = "ADD CONSTRAINT checks every row of {} while blocking its writes (a foreign key blocks the referenced "
            "table's too)",
    .safe_way = "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration (or a "
                "no-transaction one), which checks the rows while writes go on",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
