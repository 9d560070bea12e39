#pragma once
// What the statements of a set made, as the rules need to know it when they
// judge the next one: which tables this migration created (and filled), the
// column types the set declared (to tell a widening from a rewrite), the
// validated NOT NULL checks (which make SET NOT NULL read nothing), which
// table each index is on, the volatility of the functions the set defines,
// and the constraints this migration added NOT VALID. Given a database, a
// table that a migration still pending there creates does not exist there
// yet either. learn() is the one place this memory changes; the rules only
// read it.
#include <pg_query/pg_query.pb-c.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lint/tree.hpp"

namespace dbinit::lint {

struct TableMemory {
  std::map<std::string, ColumnType> columns;
  std::set<std::string> validated_not_null;  // columns with a validated CHECK (column IS NOT NULL) or NOT NULL
  std::map<std::string, std::string> unvalidated_not_null;  // constraint name -> column, added NOT VALID
};

// A function the set defines, as its latest CREATE or ALTER FUNCTION declares it.
struct FunctionMemory {
  bool is_volatile = true;       // PostgreSQL's default when no volatility is declared
  bool volatility_declared = false;
  std::string file;              // the migration that declared it
  // A SQL function whose body is one SELECT of one expression: PostgreSQL
  // inlines a VOLATILE one into the expression that calls it, so what
  // counts is what the body calls (the functions, by name).
  std::optional<std::vector<std::string>> inlined_calls;
};

// A constraint this migration added NOT VALID: what its VALIDATE would lock.
struct UnvalidatedConstraint {
  std::string referenced_table;  // a foreign key's; empty for a check
};

// Tables, indexes and functions go by their name as the parser spells it,
// without the schema: migrations rarely qualify the same object two ways.
struct SetMemory {
  std::map<std::string, TableMemory> tables;
  std::map<std::string, std::string> index_tables;  // index -> its table, for the indexes the set created
  std::map<std::string, FunctionMemory> functions;
  std::map<std::string, std::string> created_by_pending;  // table -> the pending migration's file

  // The migration being read, and what it did so far: cleared at each.
  std::string migration_file;
  bool migration_pending = false;       // still pending on the database lint was given
  bool migration_in_transaction = true;  // not a -- dbinit:no-transaction one
  std::set<std::string> created_in_this_migration;
  std::set<std::string> filled_in_this_migration;  // created here and given rows (AS SELECT, INSERT, COPY)
  std::map<std::pair<std::string, std::string>, UnvalidatedConstraint> not_valid_in_this_migration;  // (table, name)

  void start_migration(std::string file, bool pending, bool in_transaction);
  bool created_here(const std::string& table) const { return created_in_this_migration.contains(table); }
  const ColumnType* column(const std::string& table, const std::string& column) const;
};

// `memory` after `statement`.
void learn(const PgQuery__Node& statement, SetMemory& memory);

}  // namespace dbinit::lint
