#pragma once
// Small readings of libpg_query's parse-tree nodes that several rules share:
// names, column types, constraints, the functions an expression calls, a
// NOT NULL check, the commands of an ALTER TABLE.
#include <pg_query/pg_query.pb-c.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dbinit::lint {

// The text of a String node ("" for anything else).
std::string string_of(const PgQuery__Node* node);

// The last part of a qualified name list (["pg_catalog", "varchar"] -> "varchar").
std::string last_name(std::size_t count, PgQuery__Node* const* names);

// A table as the rules name it: without its schema ("" for none).
std::string table_name(const PgQuery__RangeVar* relation);

// The tables of a statement that names several (TRUNCATE a, b; LOCK a, b; VACUUM a, b).
std::vector<std::string> tables_of(std::size_t count, PgQuery__Node* const* relations);

// A column's type as written: `varchar(20)` is {"varchar", {20}}; the
// parser spells `character varying` varchar and `decimal` numeric. A
// modifier that is not a whole number is -1.
struct ColumnType {
  std::string name;
  std::vector<int> modifiers;
  bool array = false;
  bool operator==(const ColumnType&) const = default;
};
ColumnType column_type(const PgQuery__TypeName& type);

// The constraints written on a column (NOT NULL, DEFAULT, REFERENCES, ...).
std::vector<const PgQuery__Constraint*> constraints_of(const PgQuery__ColumnDef& column);

// The column's default expression, from `DEFAULT x` either way the parser keeps it.
const PgQuery__Node* default_of(const PgQuery__ColumnDef& column);

// Calls `visit` for every function call anywhere in the tree under `node`,
// however deep (inside casts, operators, CASE ...).
void each_function_call(const PgQuery__Node* node, const std::function<void(const PgQuery__FuncCall&)>& visit);

// The column `expression` says IS NOT NULL, when it is exactly `column IS NOT NULL`.
std::optional<std::string> not_null_checked_column(const PgQuery__Node* expression);

// Each command of an ALTER TABLE (of a table, not an index or a view), with the table's name.
void each_alter_table_command(const PgQuery__Node& statement,
                              const std::function<void(const PgQuery__AlterTableCmd&, const std::string&)>& visit);

// The Constraint node an ALTER TABLE command adds, or nullptr.
const PgQuery__Constraint* added_constraint(const PgQuery__AlterTableCmd& command);

// The ColumnDef an ALTER TABLE command carries (ADD COLUMN, ALTER COLUMN TYPE), or nullptr.
const PgQuery__ColumnDef* column_definition(const PgQuery__AlterTableCmd& command);

// The value of a DefElem's argument as a word (`VOLATILE` -> "volatile",
// `CONCURRENTLY` -> ""), and whether a list of DefElems holds `name`.
std::optional<std::string> option_named(std::size_t count, PgQuery__Node* const* options, std::string_view name);

}  // namespace dbinit::lint
