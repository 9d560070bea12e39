#define BOOST_TEST_MODULE lint_arguments
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>
#include <vector>

#include "lint/arguments.hpp"

using namespace dbinit::lint;

namespace {

LintArguments accepted(const std::vector<std::string>& arguments) {
  auto parsed = parse_lint_arguments(arguments);
  BOOST_TEST_REQUIRE(std::holds_alternative<LintArguments>(parsed),
                     (std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : ""));
  return std::get<LintArguments>(parsed);
}

std::string refused(const std::vector<std::string>& arguments) {
  auto parsed = parse_lint_arguments(arguments);
  BOOST_TEST_REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(paths_and_a_format_in_any_order) {
  const auto arguments = accepted({"db/a.sql", "--format", "github", "db/more", "--format=json", "--", "-odd.sql"});
  BOOST_TEST(arguments.paths == (std::vector<std::string>{"db/a.sql", "db/more", "-odd.sql"}));
  BOOST_TEST((arguments.format == OutputFormat::json));
  BOOST_TEST((accepted({"x.sql"}).format == OutputFormat::text));
}

BOOST_AUTO_TEST_CASE(what_dbinit_hands_over) {
  const auto arguments = accepted({"--set-fd", "3", "--pending-versions", "2,3", "--warnings"});
  BOOST_TEST(arguments.set_fd.value_or(-1) == 3);
  BOOST_TEST(arguments.pending_versions.value_or(std::set<long long>{}) == (std::set<long long>{2, 3}));
  BOOST_TEST(arguments.warnings);
  BOOST_TEST(accepted({"--migrations-dir=sql"}).migrations_dir.value_or("") == "sql");
}

BOOST_AUTO_TEST_CASE(help_and_rules_need_nothing_to_read) {
  BOOST_TEST(accepted({"--help"}).help);
  BOOST_TEST(accepted({"-h"}).help);
  BOOST_TEST(accepted({"--rules"}).list_rules);
}

BOOST_AUTO_TEST_CASE(bad_usage_is_one_line_that_names_what_is_wrong) {
  BOOST_TEST(refused({}).starts_with("no file or directory to lint; usage: dbinit-lint "));
  BOOST_TEST(refused({"--format", "xml", "a.sql"}).starts_with("--format takes text, json or github, not 'xml'"));
  BOOST_TEST(refused({"a.sql", "--format"}).starts_with("--format needs a value"));
  BOOST_TEST(refused({"--frmat", "json", "a.sql"}).starts_with("unknown option '--frmat'"));
  BOOST_TEST(refused({"--help=yes"}).starts_with("--help takes no value"));
  BOOST_TEST(refused({"--set-fd", "x"}).starts_with("--set-fd takes a file descriptor number, not 'x'"));
  BOOST_TEST(refused({"--pending-versions", "1,a", "--set-fd", "3"}).starts_with("--pending-versions takes versions"));
  BOOST_TEST(refused({"a.sql", "--migrations-dir", "sql"}).starts_with("give files and directories, --migrations-dir"));
  BOOST_TEST(refused({"a.sql", "--pending-versions", "1"}).starts_with("--pending-versions goes with the set"));
  for (const auto& arguments : std::vector<std::vector<std::string>>{{}, {"--format", "xml"}, {"--frmat"}})
    BOOST_TEST(refused(arguments).find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_help_gives_the_exit_codes) {
  BOOST_TEST(lint_help_text().find("Exit codes: 0 nothing found, 1 findings, 2 ") != std::string::npos);
}
