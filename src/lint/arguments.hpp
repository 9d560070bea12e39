#pragma once
// dbinit-lint's command line, read into a value. Pure: arguments in, the
// value or the one line that says what is wrong out.
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace dbinit::lint {

enum class OutputFormat { text, json, github };

struct LintArguments {
  std::vector<std::string> paths;          // files and directories, in the order given
  std::optional<std::string> migrations_dir;  // a directory read strictly as a set (what dbinit passes)
  std::optional<int> set_fd;               // a set dbinit encoded (migration_set/bundle.hpp)
  std::optional<std::set<long long>> pending_versions;  // set: a database was read
  OutputFormat format = OutputFormat::text;
  bool warnings = false;  // each finding as "dbinit: warning: ...", no summary (dbinit bundle and new)
  bool help = false;
  bool list_rules = false;
};

// The value, or "what is wrong; usage: ..." for a usage error (exit 2).
std::variant<LintArguments, std::string> parse_lint_arguments(const std::vector<std::string>& arguments);

std::string lint_help_text();

}  // namespace dbinit::lint
