#pragma once
// The rules applied to one parsed statement, with what the statements
// before it in the set made: which tables this migration created (exempt
// from the rules about tables the app already uses), the column types the
// set declared (to tell a widening from a rewrite), and the validated
// NOT NULL checks (which make SET NOT NULL read nothing). Given a database,
// a table that a migration still pending there creates does not exist there
// yet either: its breaches are kept apart, as exemptions the report shows.
#include <pg_query/pg_query.pb-c.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lint/rules.hpp"
#include "lint/tree.hpp"

namespace dbinit::lint {

struct TableMemory {
  std::map<std::string, ColumnType> columns;
  std::set<std::string> validated_not_null;  // columns with a validated CHECK (column IS NOT NULL)
  std::map<std::string, std::string> unvalidated_not_null;  // constraint name -> column, added NOT VALID
};

// Tables go by their name as the parser spells it, without the schema:
// migrations rarely qualify the same table two ways.
struct SetMemory {
  std::map<std::string, TableMemory> tables;
  std::set<std::string> created_in_this_migration;  // cleared at each migration
  std::string migration_file;                       // the migration being read
  bool migration_pending = false;                   // ... is still pending on the database
  std::map<std::string, std::string> created_by_pending;  // table -> the pending migration's file
};

struct RuleBreach {
  RuleId rule;
  std::string table;            // what the finding names
  std::string pending_creator;  // set: exempt, this pending migration creates the table
};

// The rules `statement` breaks; `memory` learns what it creates or changes.
std::vector<RuleBreach> check_statement(const PgQuery__Node& statement, SetMemory& memory);

}  // namespace dbinit::lint
