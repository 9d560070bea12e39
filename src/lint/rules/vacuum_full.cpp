// VACUUM FULL writes a new copy of each table it is given, under ACCESS EXCLUSIVE.
#include <string>
#include <vector>

#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory&, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_VACUUM_STMT || !statement.vacuum_stmt->is_vacuumcmd) return;
  const PgQuery__VacuumStmt& vacuum = *statement.vacuum_stmt;
  // FULL, FULL true, FULL on ...; FULL false is plain VACUUM.
  const auto full = option_named(vacuum.n_options, vacuum.options, "full");
  if (full && *full != "false" && *full != "off" && *full != "0")
    breaches.on_each_live_table(tables_of(vacuum.n_rels, vacuum.rels));
}

constexpr std::string_view bad[] = {"VACUUM FULL t;", "VACUUM (FULL, ANALYZE) t;", "VACUUM FULL;"};
constexpr std::string_view good[] = {"VACUUM t;", "VACUUM (FULL false) t;"};

}  // namespace

extern const Rule vacuum_full{
    .name = "vacuum-full",
    .found_on = "`VACUUM FULL`",
    .cost = "VACUUM FULL rewrites {} under an ACCESS EXCLUSIVE lock, blocking its reads and writes",
    .safe_way = "plain VACUUM, or pg_repack, run outside the migrations",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
