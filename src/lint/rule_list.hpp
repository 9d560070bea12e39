#pragma once
// Every rule of dbinit-lint, one line each, in the order the documentation
// lists them: RULE(id) for the `extern const Rule id` that
// src/lint/rules/id.cpp defines. Adding a rule is its file and its line here.
#define DBINIT_LINT_RULES(RULE)            \
  RULE(index_not_concurrent)               \
  RULE(concurrent_index_if_not_exists)     \
  RULE(drop_index_not_concurrent)          \
  RULE(reindex_not_concurrent)             \
  RULE(volatile_default)                   \
  RULE(rewriting_type_change)              \
  RULE(set_not_null)                       \
  RULE(constraint_without_not_valid)       \
  RULE(foreign_key_column_with_default)    \
  RULE(foreign_key_on_filled_table)        \
  RULE(validate_in_same_transaction)       \
  RULE(unique_constraint_builds_index)     \
  RULE(drop_column)                        \
  RULE(drop_table)                         \
  RULE(rename)                             \
  RULE(vacuum_full)                        \
  RULE(cluster)                            \
  RULE(lock_table)                         \
  RULE(truncate)                           \
  RULE(update_without_where)               \
  RULE(delete_without_where)               \
  RULE(bad_lint_ignore)
