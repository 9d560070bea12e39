#pragma once
// Small readings of libpg_query's parse-tree nodes that several rules share:
// names, column types, the functions an expression calls, a NOT NULL check.
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

// Calls `visit` for every function call anywhere in the tree under `node`,
// however deep (inside casts, operators, CASE ...).
void each_function_call(const PgQuery__Node* node, const std::function<void(const PgQuery__FuncCall&)>& visit);

// The column `expression` says IS NOT NULL, when it is exactly `column IS NOT NULL`.
std::optional<std::string> not_null_checked_column(const PgQuery__Node* expression);

}  // namespace dbinit::lint
