#define BOOST_TEST_MODULE lint_rules
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "lint/lint.hpp"
#include "lint/rules.hpp"

// Each rule's own file (src/lint/rules/) holds its examples: they run here,
// each after example_tables, a bad one producing the rule's finding, a good
// one nothing at all. The documentation's table is the rules' own text.
using namespace dbinit::lint;

namespace {

LintReport lint_example(std::string_view example) {
  return lint_migrations({{.file = "0001_tables.up.sql", .sql = std::string(example_tables)},
                          {.file = "0002_example.up.sql",
                           .sql = std::string(example),
                           .pending = false,
                           .no_transaction = has_no_transaction_directive(example)}});
}

std::string names_of(const std::vector<Finding>& findings) {
  std::string names;
  for (const auto& finding : findings) names += (names.empty() ? "" : ", ") + std::string(finding.rule->name);
  return names.empty() ? "nothing" : names;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_rule_has_a_name_its_texts_and_bad_and_good_examples) {
  std::set<std::string_view> names;
  for (const Rule* rule : all_rules()) {
    BOOST_TEST_CONTEXT(rule->name) {
      BOOST_TEST(names.insert(rule->name).second, "two rules are called " << rule->name);
      BOOST_TEST(rule_named(rule->name) == rule);
      BOOST_TEST(!rule->found_on.empty());
      BOOST_TEST(rule->cost.find("{}") != std::string_view::npos, "the cost names what it is about");
      BOOST_TEST(!rule->safe_way.empty());
      BOOST_TEST(!rule->bad.empty(), "no bad example");
      BOOST_TEST(!rule->good.empty(), "no good example");
    }
  }
}

BOOST_AUTO_TEST_CASE(each_bad_example_produces_its_rules_finding) {
  for (const Rule* rule : all_rules())
    for (const std::string_view example : rule->bad) {
      BOOST_TEST_CONTEXT(rule->name << ": " << example) {
        const LintReport report = lint_example(example);
        BOOST_TEST_REQUIRE(report.failures.empty(), (report.failures.empty() ? "" : report.failures[0].message));
        const bool found = std::any_of(report.findings.begin(), report.findings.end(),
                                       [&](const Finding& finding) { return finding.rule == rule; });
        BOOST_TEST(found, "found " << names_of(report.findings));
      }
    }
}

BOOST_AUTO_TEST_CASE(each_good_example_produces_no_finding) {
  for (const Rule* rule : all_rules())
    for (const std::string_view example : rule->good) {
      BOOST_TEST_CONTEXT(rule->name << ": " << example) {
        const LintReport report = lint_example(example);
        BOOST_TEST_REQUIRE(report.failures.empty(), (report.failures.empty() ? "" : report.failures[0].message));
        BOOST_TEST(report.findings.empty(), "found " << names_of(report.findings));
      }
    }
}

BOOST_AUTO_TEST_CASE(the_example_tables_alone_are_clean) {
  BOOST_TEST(lint_example("").findings.empty());
}

// docs/migrations.md holds the table that rules_markdown_table() makes from
// the rules' files; on a difference, the expected table is printed to paste.
BOOST_AUTO_TEST_CASE(the_documentations_rule_table_is_the_rules_own_text) {
  const std::string docs = read_text(DBINIT_TEST_SOURCE_DIR "/../docs/migrations.md");
  BOOST_TEST_REQUIRE(!docs.empty());
  const std::string begin = "<!-- rules table: made from src/lint/rules/ (test/unit/lint/rules_test.cpp) -->\n";
  const std::string end = "<!-- end of the rules table -->";
  const auto from = docs.find(begin), to = docs.find(end);
  BOOST_TEST_REQUIRE(from != std::string::npos, "docs/migrations.md has no line " << begin);
  BOOST_TEST_REQUIRE(to != std::string::npos);
  const std::string documented = docs.substr(from + begin.size(), to - from - begin.size());
  const std::string expected = rules_markdown_table();
  BOOST_TEST(documented == expected, "docs/migrations.md's rules table should read:\n" << expected);
}
