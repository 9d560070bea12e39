#pragma once
// The rules of `dbinit lint`: each a name (what a finding and an ignore
// comment call it), what the statement costs on a table the running app
// uses, and the safe way to get the same result. docs/migrations.md ("Lint")
// explains each and compares it with squawk's and strong_migrations'.
#include <optional>
#include <span>
#include <string_view>

namespace dbinit::lint {

enum class RuleId {
  index_not_concurrent,
  concurrent_index_if_not_exists,
  volatile_default,
  rewriting_type_change,
  set_not_null,
  constraint_without_not_valid,
  unique_constraint_builds_index,
  drop_column,
  drop_table,
  rename,
  vacuum_full,
  cluster,
  lock_table,
  truncate,
  update_without_where,
  delete_without_where,
  bad_lint_ignore,
};

struct Rule {
  RuleId id;
  std::string_view name;  // kebab-case
  // What it costs; "{}" stands for the table (or, for bad-lint-ignore, what is wrong).
  std::string_view cost;
  std::string_view safe_way;
};

std::span<const Rule> all_rules();
const Rule& rule(RuleId id);
std::optional<RuleId> rule_named(std::string_view name);

}  // namespace dbinit::lint
