// A table this migration created is not in the app's way, but once the
// migration filled it (CREATE TABLE ... AS SELECT, INSERT, COPY), a foreign
// key added to it is validated over those rows while it holds SHARE ROW
// EXCLUSIVE on the referenced table, which the app uses: its writes wait
// for the whole scan, and the lock lasts until the migration commits.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    const PgQuery__Constraint* constraint = added_constraint(command);
    if (!constraint || constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || constraint->skip_validation)
      return;
    if (memory.filled_in_this_migration.contains(table))
      breaches.on_live_table(table_name(constraint->pktable), table + " was created and filled by this migration");
  });
}

constexpr std::string_view bad[] = {
    "CREATE TABLE copies AS SELECT id, p FROM t;\n"
    "ALTER TABLE copies ADD CONSTRAINT copies_p_fkey FOREIGN KEY (p) REFERENCES parents (id);",
    "CREATE TABLE copies (id int, p int);\nINSERT INTO copies SELECT id, p FROM t;\n"
    "ALTER TABLE copies ADD FOREIGN KEY (p) REFERENCES parents;",
};
constexpr std::string_view good[] = {
    // Each row is checked as it goes in, with a row lock: the parents' writes go on.
    "CREATE TABLE copies (id int, p int REFERENCES parents (id));\nINSERT INTO copies SELECT id, p FROM t;",
    "CREATE TABLE copies (id int, p int);\n"
    "ALTER TABLE copies ADD CONSTRAINT copies_p_fkey FOREIGN KEY (p) REFERENCES parents (id);",
    "CREATE TABLE kinds (id int PRIMARY KEY);\nCREATE TABLE copies AS SELECT id, p FROM t;\n"
    "INSERT INTO kinds VALUES (1);\nALTER TABLE copies ADD FOREIGN KEY (p) REFERENCES kinds;",
};

}  // namespace

extern const Rule foreign_key_on_filled_table{
    .name = "foreign-key-on-filled-table",
    .found_on = "`ADD CONSTRAINT ... FOREIGN KEY` on a table the migration created and filled (`CREATE TABLE ... AS`, "
                "`INSERT`, `COPY`), referencing a table it did not create",
    .cost = "validating the foreign key reads the rows the migration put in the new table while holding SHARE ROW "
            "EXCLUSIVE on {}, which the key references: its writes wait until the migration commits",
    .subject_in_docs = "the live table",
    .safe_way = "declare the foreign key before filling the table (each row is then checked with a row lock), or "
                "add it NOT VALID and VALIDATE CONSTRAINT in a later migration",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
