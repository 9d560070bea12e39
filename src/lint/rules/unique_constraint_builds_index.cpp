// A UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index under the
// ALTER TABLE's ACCESS EXCLUSIVE lock, unless USING INDEX takes over one
// built CONCURRENTLY beforehand.
#include <algorithm>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

bool builds_index(const PgQuery__Constraint& constraint) {
  switch (constraint.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: return constraint.indexname == nullptr || *constraint.indexname == '\0';
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return true;
    default: return false;
  }
}

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  each_alter_table_command(statement, [&](const PgQuery__AlterTableCmd& command, const std::string& table) {
    bool builds = false;
    if (const auto* constraint = added_constraint(command)) builds = builds_index(*constraint);
    if (const auto* column = column_definition(command);
        column && command.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn) {
      const auto constraints = constraints_of(*column);
      builds = std::any_of(constraints.begin(), constraints.end(), [](const auto* c) { return builds_index(*c); });
    }
    if (builds) breaches.on_live_table(table);
  });
}

constexpr std::string_view bad[] = {
    "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);",
    "ALTER TABLE t ADD PRIMARY KEY (a);",
    "ALTER TABLE t ADD COLUMN code text UNIQUE;",
};
constexpr std::string_view good[] = {
    "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a;",
    "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id;",
};

}  // namespace

extern const Rule unique_constraint_builds_index{
    .name = "unique-constraint-builds-index",
    .found_on = "a `UNIQUE`, `PRIMARY KEY` or `EXCLUDE` constraint added without `USING INDEX` (also on `ADD COLUMN`)",
    .cost = "a UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index on {} under an ACCESS EXCLUSIVE lock, "
            "blocking its reads and writes",
    .safe_way = "CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction migration, then ADD CONSTRAINT ... UNIQUE (or "
                "PRIMARY KEY) USING INDEX",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
