#include "lint/ignore_comment.hpp"

namespace dbinit::lint {

namespace {

constexpr std::string_view blanks = " \t\r\n";

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace

std::optional<IgnoreComment> read_ignore_comment(std::string_view comment) {
  if (!comment.starts_with("--")) return std::nullopt;
  std::string_view rest = trimmed(comment.substr(2));
  if (!rest.starts_with(ignore_directive)) return std::nullopt;
  rest = rest.substr(ignore_directive.size());
  // "dbinit:lint-ignored" is another word, not this directive.
  if (!rest.empty() && blanks.find(rest.front()) == std::string_view::npos) return std::nullopt;
  rest = trimmed(rest);
  const auto name_end = std::min(rest.find_first_of(blanks), rest.size());
  IgnoreComment ignore;
  ignore.rule_name = std::string(rest.substr(0, name_end));
  ignore.rule = rule_named(ignore.rule_name);
  ignore.reason = std::string(trimmed(rest.substr(name_end)));
  return ignore;
}

std::optional<std::size_t> statement_of_comment(std::string_view sql, const std::vector<ParsedStatement>& statements,
                                                std::size_t offset) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const ParsedStatement& statement = statements[i];
    // On the line where the statement ends, after its ';'.
    if (statement.end <= offset && sql.substr(statement.end, offset - statement.end).find('\n') == std::string_view::npos)
      return i;
    if (statement.begin <= offset && offset < statement.end) return i;
  }
  return std::nullopt;
}

}  // namespace dbinit::lint
