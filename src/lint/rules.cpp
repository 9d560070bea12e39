#include "lint/rules.hpp"

#include <algorithm>

namespace dbinit::lint {

namespace {

constexpr Rule rules[] = {
    {RuleId::index_not_concurrent, "index-not-concurrent",
     "CREATE INDEX blocks every write to {} until the whole index is built",
     "CREATE INDEX CONCURRENTLY, in a migration of its own that starts with -- dbinit:no-transaction"},
    {RuleId::concurrent_index_if_not_exists, "concurrent-index-if-not-exists",
     "a CONCURRENTLY build on {} that fails or is interrupted leaves an invalid index, which IF NOT EXISTS then "
     "skips on the next run",
     "CREATE INDEX CONCURRENTLY without IF NOT EXISTS; after a failure, DROP INDEX CONCURRENTLY the invalid index "
     "and run again (dbinit migrate --repair)"},
    {RuleId::volatile_default, "volatile-default",
     "ADD COLUMN with a volatile default (or an identity, serial or stored generated column) rewrites {} under an "
     "ACCESS EXCLUSIVE lock, blocking its reads and writes",
     "add the column with no default or a constant or stable one (now() is fine), set the volatile default with "
     "ALTER COLUMN ... SET DEFAULT, then fill the existing rows in batches"},
    {RuleId::rewriting_type_change, "rewriting-type-change",
     "ALTER COLUMN ... TYPE rewrites {} and its indexes under an ACCESS EXCLUSIVE lock, blocking its reads and "
     "writes",
     "widen only (varchar(n) to a larger n, to varchar or to text; numeric(p,s) to a larger p with the same s), or "
     "add a column of the new type, fill it in batches and switch the app over"},
    {RuleId::set_not_null, "set-not-null",
     "SET NOT NULL reads every row of {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
     "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT, then SET NOT NULL, which "
     "uses the validated check and reads nothing"},
    {RuleId::constraint_without_not_valid, "constraint-without-not-valid",
     "ADD CONSTRAINT checks every row of {} while blocking its writes (a foreign key blocks the referenced table's "
     "too)",
     "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT, which checks the rows while writes go "
     "on"},
    {RuleId::unique_constraint_builds_index, "unique-constraint-builds-index",
     "a UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index on {} under an ACCESS EXCLUSIVE lock, blocking "
     "its reads and writes",
     "CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction migration, then ADD CONSTRAINT ... UNIQUE (or PRIMARY "
     "KEY) USING INDEX"},
    {RuleId::drop_column, "drop-column",
     "the running app's queries that name the dropped column of {} fail from the commit on (during a rolling "
     "deploy the old code still runs)",
     "release code that no longer uses the column first, then drop it in a later migration"},
    {RuleId::drop_table, "drop-table",
     "the running app's queries on {} fail from the commit on (during a rolling deploy the old code still runs)",
     "release code that no longer uses the table first, then drop it in a later migration"},
    {RuleId::rename, "rename",
     "the running app's queries that use the old name of {} (or of its column) fail from the commit on",
     "add the new column or table beside the old one (or a view with the old name), move the app over, then "
     "remove the old one in a later migration"},
    {RuleId::vacuum_full, "vacuum-full",
     "VACUUM FULL rewrites {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
     "plain VACUUM, or pg_repack, run outside the migrations"},
    {RuleId::cluster, "cluster",
     "CLUSTER rewrites {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
     "pg_repack, run outside the migrations"},
    {RuleId::lock_table, "lock-table",
     "LOCK TABLE holds {} locked until the migration commits, and the app's queries queue behind it",
     "leave the locks to the statements that need them: dbinit's --ddl-lock-timeout keeps each wait short"},
    {RuleId::truncate, "truncate",
     "TRUNCATE removes every row of {} under an ACCESS EXCLUSIVE lock, while the app may still read and write them",
     "DELETE the rows the app no longer needs, in batches with a WHERE clause"},
    {RuleId::update_without_where, "update-without-where",
     "an UPDATE of every row of {} locks them all until the migration commits and writes a new version of each",
     "update in batches (WHERE id BETWEEN ...), each in a migration or transaction of its own"},
    {RuleId::delete_without_where, "delete-without-where",
     "a DELETE of every row of {} locks them all until the migration commits, while the app may still use them",
     "delete in batches with a WHERE clause, each in a migration or transaction of its own"},
    {RuleId::bad_lint_ignore, "bad-lint-ignore",
     "this ignore comment {}, so it silences nothing",
     "-- dbinit:lint-ignore RULE reason, on the line before the statement or on the statement's own line"},
};

}  // namespace

std::span<const Rule> all_rules() { return rules; }

const Rule& rule(RuleId id) { return rules[static_cast<std::size_t>(id)]; }

std::optional<RuleId> rule_named(std::string_view name) {
  const auto found = std::find_if(std::begin(rules), std::end(rules), [&](const Rule& r) { return r.name == name; });
  if (found == std::end(rules)) return std::nullopt;
  return found->id;
}

}  // namespace dbinit::lint
