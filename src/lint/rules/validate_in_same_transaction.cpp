// ADD CONSTRAINT ... NOT VALID is quick, but it takes a strong lock (ACCESS
// EXCLUSIVE for a check; SHARE ROW EXCLUSIVE on both tables for a foreign
// key), and a lock is held until the transaction ends. VALIDATE CONSTRAINT
// in the same transaction, which a migration is, scans the table under that
// lock still: NOT VALID gained nothing. A -- dbinit:no-transaction
// migration sends each statement alone, each committing, so there the
// validation runs under its own weak lock.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  if (!memory.migration_in_transaction) return;
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    if (command.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint || !command.name) return;
    const auto added = memory.not_valid_in_this_migration.find({table, command.name});
    if (added == memory.not_valid_in_this_migration.end()) return;
    if (!breaches.on_live_table(table) && !added->second.referenced_table.empty())
      breaches.on_live_table(added->second.referenced_table, "the table the new " + table + "'s foreign key references");
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES parents (id) NOT VALID;\n"
    "ALTER TABLE t VALIDATE CONSTRAINT t_p_fkey;",
    "ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_b_nn;",
};
constexpr std::string_view good[] = {
    "-- dbinit:no-transaction\n"
    "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES parents (id) NOT VALID;\n"
    "ALTER TABLE t VALIDATE CONSTRAINT t_p_fkey;",
    "ALTER TABLE t VALIDATE CONSTRAINT t_added_by_an_earlier_migration;",
};

}  // namespace

extern const Rule validate_in_same_transaction{
    .name = "validate-in-same-transaction",
    .found_on = "`VALIDATE CONSTRAINT` of a constraint the same migration added `NOT VALID`, in a transactional "
                "migration",
    .cost = "the migration is one transaction: VALIDATE CONSTRAINT scans {} while the lock the ADD CONSTRAINT took "
            "(ACCESS EXCLUSIVE for a check, SHARE ROW EXCLUSIVE for a foreign key) is still held",
    .safe_way = "VALIDATE CONSTRAINT in a later migration, or both statements in a migration that starts with "
                "-- dbinit:no-transaction, so that each commits alone",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
