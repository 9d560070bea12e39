// DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the
// index's table: short once granted, but while it waits for the app's
// running queries, every query after them waits behind it. An index the set
// does not show is taken to be on a table the app uses.
#include "lint/rule.hpp"

namespace dbinit::lint::rules {

namespace {

void check(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) {
  if (statement.node_case != PG_QUERY__NODE__NODE_DROP_STMT) return;
  const PgQuery__DropStmt& drop = *statement.drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || drop.concurrent) return;
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const std::string index = last_name(drop.objects[i]->list->n_items, drop.objects[i]->list->items);
    const auto table = memory.index_tables.find(index);
    if (table != memory.index_tables.end())
      breaches.on_live_table(table->second, "index " + index);
    else
      breaches.on("the table of " + index, "an index the set does not create: taken to be on a table the app uses");
  }
}

constexpr std::string_view bad[] = {"DROP INDEX t_a;", "DROP INDEX IF EXISTS made_by_hand;"};
constexpr std::string_view good[] = {
    "-- dbinit:no-transaction\nDROP INDEX CONCURRENTLY t_a;",
    "CREATE TABLE notes (id int, body text);\nCREATE INDEX notes_body ON notes (body);\nDROP INDEX notes_body;",
};

}  // namespace

extern const Rule drop_index_not_concurrent{
    .name = "drop-index-not-concurrent",
    .found_on = "`DROP INDEX` without `CONCURRENTLY`",
    .cost = "DROP INDEX takes an ACCESS EXCLUSIVE lock on {}: while it waits for the running queries, every read "
            "and write after them waits too",
    .safe_way = "DROP INDEX CONCURRENTLY, in a migration of its own that starts with -- dbinit:no-transaction",
    .bad = bad,
    .good = good,
    .check = check,
};

}  // namespace dbinit::lint::rules
