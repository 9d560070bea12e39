#pragma once
// What `dbinit verify` compares: the schema as dbinit's own catalog query
// sees it (migrate/messages.hpp, schema_snapshot_sql), one object a row,
// each with the definition the server gives for it (pg_get_indexdef,
// pg_get_constraintdef, pg_get_viewdef, ...). Pure: compares values.
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

struct SchemaObject {
  std::string kind;        // "table", "column", "index", "constraint", "function", ...
  std::string name;        // schema-qualified unless in public; a function with its arguments
  std::string on;          // the table (or domain) it belongs to; empty for a top-level object
  std::string definition;  // what the server says it is
  auto operator<=>(const SchemaObject&) const = default;
};

// Sorted by (kind, on, name): one object per key.
struct SchemaSnapshot {
  std::vector<SchemaObject> objects;
};
SchemaSnapshot make_snapshot(std::vector<SchemaObject> objects);

enum class SchemaChange {
  left_over,  // found, not expected
  missing,    // expected, not found
  differs,    // both, with other definitions
};

struct SchemaDifference {
  SchemaChange change;
  SchemaObject expected;  // empty for left_over
  SchemaObject found;     // empty for missing
};

// What makes found differ from expected, by key.
std::vector<SchemaDifference> compare_snapshots(const SchemaSnapshot& expected, const SchemaSnapshot& found);

// "index lc_a_n on lc_a", "table lc_a", "column n on lc_a".
std::string describe(const SchemaObject& object);

// One line for the log. after: "down of 2" (the schema expected is that
// before version 2 went up), or "up of 2 again" (the schema expected is
// that after its first up).
// "index lc_a_n on lc_a is still there after down of 2"
std::string describe(const SchemaDifference& difference, std::string_view after);

}  // namespace dbinit
