#include "lint/arguments.hpp"

#include <charconv>
#include <sstream>

namespace dbinit::lint {

namespace {

constexpr std::string_view usage = "usage: dbinit-lint [--format text|json|github] PATH... (see dbinit-lint --help)";

template <typename Number>
std::optional<Number> whole_number(std::string_view text) {
  Number value{};
  const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (failure != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::variant<LintArguments, std::string> parse_lint_arguments(const std::vector<std::string>& arguments) {
  LintArguments parsed;
  bool options_end = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string argument = arguments[i];
    if (options_end || argument == "-" || !argument.starts_with("-")) {
      parsed.paths.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_end = true;
      continue;
    }
    std::optional<std::string> value;
    if (const auto equals = argument.find('='); argument.starts_with("--") && equals != std::string::npos) {
      value = argument.substr(equals + 1);
      argument.resize(equals);
    }
    const auto take_value = [&]() -> std::optional<std::string> {
      if (value) return value;
      if (i + 1 < arguments.size()) return arguments[++i];
      return std::nullopt;
    };
    const auto flag = [&](bool& target) -> std::optional<std::string> {
      if (value) return argument + " takes no value";
      target = true;
      return std::nullopt;
    };
    std::optional<std::string> error;
    if (argument == "--help" || argument == "-h") {
      error = flag(parsed.help);
    } else if (argument == "--rules") {
      error = flag(parsed.list_rules);
    } else if (argument == "--warnings") {
      error = flag(parsed.warnings);
    } else if (argument == "--format") {
      const auto text = take_value();
      if (text == "text") parsed.format = OutputFormat::text;
      else if (text == "json") parsed.format = OutputFormat::json;
      else if (text == "github") parsed.format = OutputFormat::github;
      else if (text) error = "--format takes text, json or github, not '" + *text + "'";
      else error = "--format needs a value: text, json or github";
    } else if (argument == "--migrations-dir") {
      if (!(parsed.migrations_dir = take_value())) error = "--migrations-dir needs a directory";
    } else if (argument == "--set-fd") {
      const auto text = take_value();
      const auto fd = text ? whole_number<int>(*text) : std::nullopt;
      if (!fd) error = "--set-fd takes a file descriptor number, not '" + text.value_or("") + "'";
      else parsed.set_fd = fd;
    } else if (argument == "--pending-versions") {
      const auto text = take_value();
      if (!text) {
        error = "--pending-versions needs versions separated by commas";
      } else {
        parsed.pending_versions.emplace();
        std::stringstream list(*text);
        for (std::string item; std::getline(list, item, ',');) {
          const auto version = whole_number<long long>(item);
          if (!version) {
            error = "--pending-versions takes versions separated by commas, not '" + *text + "'";
            break;
          }
          parsed.pending_versions->insert(*version);
        }
      }
    } else {
      error = "unknown option '" + arguments[i] + "'";
    }
    if (error) return *error + "; " + std::string(usage);
  }
  if (parsed.help || parsed.list_rules) return parsed;
  const int sources = (parsed.paths.empty() ? 0 : 1) + (parsed.migrations_dir ? 1 : 0) + (parsed.set_fd ? 1 : 0);
  if (sources == 0) return "no file or directory to lint; " + std::string(usage);
  if (sources > 1)
    return "give files and directories, --migrations-dir DIR or --set-fd N, not several; " + std::string(usage);
  if (parsed.pending_versions && !parsed.paths.empty())
    return "--pending-versions goes with the set dbinit hands over (--migrations-dir, --set-fd), not with PATHs";
  return parsed;
}

std::string lint_help_text() {
  return "Usage: dbinit-lint [OPTIONS] PATH...   what in these migrations would hurt a table the running app uses\n"
         "       dbinit lint [DBINIT OPTIONS] [OPTIONS] [PATH...]   the same, by default on the set dbinit migrates\n"
         "\n"
         "PATH is a file, or a directory: read as a migration set (dbinit's rules, versions in order) when its\n"
         "files are named NNNN_name.up.sql, otherwise its .sql files in name order. Files and directories are\n"
         "linted in the order given, as one sequence: a table an earlier file creates is known to later ones.\n"
         "Each file is read with PostgreSQL 17's parser.\n"
         "\n"
         "Options:\n"
         "  --format text|json|github  text: FILE:LINE: RULE: what it costs; safe way: ... (default)\n"
         "                             json: one object with findings, exemptions and refused files\n"
         "                             github: GitHub Actions annotations (::warning file=...,line=...), so that\n"
         "                             a pull request shows each finding on its line\n"
         "  --rules                    list the rules, one line each, and exit\n"
         "  -h, --help                 this text\n"
         "  (--migrations-dir DIR, --set-fd N, --pending-versions V,... and --warnings are what dbinit passes)\n"
         "\n"
         "Silence one finding with a reason: -- dbinit:lint-ignore RULE reason, on the line before the statement.\n"
         "\n"
         "Exit codes: 0 nothing found, 1 findings, 2 a file PostgreSQL's parser refuses, a set that breaks\n"
         "dbinit's rules, a path that cannot be read, or bad usage.\n";
}

}  // namespace dbinit::lint
