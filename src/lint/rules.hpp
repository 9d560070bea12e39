#pragma once
// The rules of dbinit-lint (src/lint/rules/, listed in lint/rule_list.hpp),
// found by name.
#include <span>
#include <string_view>

#include "lint/rule.hpp"
#include "lint/rule_list.hpp"

namespace dbinit::lint {

namespace rules {
#define DBINIT_LINT_DECLARE_RULE(id) extern const Rule id;
DBINIT_LINT_RULES(DBINIT_LINT_DECLARE_RULE)
#undef DBINIT_LINT_DECLARE_RULE
}  // namespace rules

std::span<const Rule* const> all_rules();
const Rule* rule_named(std::string_view name);  // nullptr: no rule has that name

// The documentation's table of the rules, in Markdown (docs/migrations.md holds a copy).
std::string rules_markdown_table();

}  // namespace dbinit::lint
