// dbinit-lint: reads migrations with PostgreSQL 17's own parser and prints
// what would hurt a table the running app uses (src/lint/). A program of
// its own so that dbinit, which starts every container, does not carry the
// parser: `dbinit lint` finds this program beside itself or on PATH and
// execs it, passing its arguments through and, when it names no path,
// handing over its bundled or compiled-in set on a file descriptor.
// dbinit-lint --help says the rest.
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "lint/arguments.hpp"
#include "lint/inputs.hpp"
#include "lint/lint.hpp"
#include "lint/report_output.hpp"

using namespace dbinit;

namespace {

constexpr int usage_exit_code = 2;

int refuse(const std::string& line) {
  std::cerr << "dbinit lint: " << line << "\n";
  return usage_exit_code;
}

std::optional<std::vector<lint::MigrationText>> read_inputs(const lint::LintArguments& arguments, std::string& error) {
  if (arguments.set_fd) return lint::read_set_from_fd(*arguments.set_fd, arguments.pending_versions, error);
  if (arguments.migrations_dir)
    return lint::read_set_directory(*arguments.migrations_dir, arguments.pending_versions, error);
  return lint::read_paths(arguments.paths, error);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = lint::parse_lint_arguments(std::vector<std::string>(argv + 1, argv + argc));
  if (const auto* error = std::get_if<std::string>(&parsed)) return refuse(*error);
  const auto& arguments = std::get<lint::LintArguments>(parsed);
  if (arguments.help) {
    std::cout << lint::lint_help_text();
    return 0;
  }
  if (arguments.list_rules) {
    std::cout << lint::render_rule_list();
    return 0;
  }
  std::string error;
  const auto texts = read_inputs(arguments, error);
  if (!texts) return refuse(error);

  const lint::LintReport report = lint::lint_migrations(*texts);
  std::cout << lint::render_report(report, arguments.format, arguments.warnings ? "dbinit: warning: " : "");
  std::cout.flush();
  if (arguments.warnings) return lint::lint_exit_code(report);
  std::cerr << "dbinit lint: " << report.files_parsed << " of " << texts->size() << " files read, "
            << report.statements << " statements, " << report.findings.size() << " findings";
  if (!report.failures.empty()) std::cerr << ", " << report.failures.size() << " files refused by the parser";
  if (arguments.pending_versions)
    std::cerr << "; the database has " << arguments.pending_versions->size() << " pending, "
              << report.exemptions.size() << " exemptions for the tables they create";
  std::cerr << "\n";
  return lint::lint_exit_code(report);
}
