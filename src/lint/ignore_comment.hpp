#pragma once
// `-- dbinit:lint-ignore RULE reason`: silences RULE on the statement the
// comment stands just before (between the previous statement's ';' and this
// one's first word, or inside it) or on the line where a statement ends.
// The reason is required: an ignore is a decision a reviewer should see.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/parse_tree.hpp"
#include "lint/rules.hpp"

namespace dbinit::lint {

inline constexpr std::string_view ignore_directive = "dbinit:lint-ignore";

struct IgnoreComment {
  std::string rule_name;          // as written
  const Rule* rule = nullptr;     // nullptr: no rule has that name
  std::string reason;             // empty when none was given
};

// nullopt when `comment` ("-- ..." with its dashes) is not an ignore comment.
std::optional<IgnoreComment> read_ignore_comment(std::string_view comment);

// The statement a comment at `offset` belongs to, by index, or nullopt
// when it precedes none (after the last statement, on a line of its own).
std::optional<std::size_t> statement_of_comment(std::string_view sql, const std::vector<ParsedStatement>& statements,
                                                std::size_t offset);

}  // namespace dbinit::lint
