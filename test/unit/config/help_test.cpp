#define BOOST_TEST_MODULE help
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/options.hpp"

using namespace dbinit;

namespace {

struct OptionRow {
  std::string name;         // "wait-timeout"
  std::string environment;  // "DBINIT_WAIT_TIMEOUT, then ..."
  std::string shown_default;
};

std::string without_backticks(std::string text) {
  std::erase(text, '`');
  return text;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// "  --wait-timeout DURATION   help (default: 1m)" and the "env: ..." line under it.
std::vector<OptionRow> rows_of_help(const std::string& help) {
  std::vector<OptionRow> rows;
  static const std::regex option(R"(^  --([a-z-]+)(?:\[=BOOL\]| [A-Z:]+) +(.*?)(?: \(default: (.*)\))?$)");
  static const std::regex environment(R"(^ +env: (.*)$)");
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, option)) {
      rows.push_back({match[1], "", match[3]});
    } else if (std::regex_match(line, match, environment)) {
      BOOST_TEST_REQUIRE(!rows.empty());
      rows.back().environment = match[1];
    }
  }
  return rows;
}

// "| `--wait-timeout D` | `DBINIT_WAIT_TIMEOUT` | `1m` | meaning |"
std::vector<OptionRow> rows_of_readme(const std::string& readme) {
  std::vector<OptionRow> rows;
  static const std::regex name(R"(^`--([a-z-]+))");
  std::istringstream lines(readme);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| `--")) continue;
    std::vector<std::string> cells;
    std::istringstream parts(line.substr(1));
    for (std::string cell; std::getline(parts, cell, '|');) cells.push_back(trimmed(cell));
    BOOST_TEST_REQUIRE(cells.size() >= 4u, line);
    std::smatch match;
    BOOST_TEST_REQUIRE(std::regex_search(cells[0], match, name), line);
    rows.push_back({match[1], without_backticks(cells[1]), without_backticks(cells[2])});
  }
  return rows;
}

std::string read_readme() {
  std::ifstream file(DBINIT_TEST_SOURCE_DIR "/../README.md");
  BOOST_TEST_REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_lists_every_option_with_its_environment_and_default) {
  const auto rows = rows_of_help(help_text());
  BOOST_TEST(rows.size() == 27u);
  BOOST_TEST(rows.front().name == "database-url");
  BOOST_TEST(rows.front().environment == "DBINIT_DATABASE_URL, then DATABASE_URL");
  for (const auto& row : rows) BOOST_TEST(!row.environment.empty(), row.name);
}

BOOST_AUTO_TEST_CASE(help_shows_the_defaults_of_a_default_config) {
  const Config defaults;
  const auto rows = rows_of_help(help_text());
  auto default_of = [&](const std::string& name) {
    for (const auto& row : rows)
      if (row.name == name) return row.shown_default;
    return std::string("<missing>");
  };
  BOOST_TEST(defaults.database.wait_timeout.count() == 60'000);
  BOOST_TEST(default_of("wait-timeout") == "1m");
  BOOST_TEST(default_of("lock-timeout") == "5m");
  BOOST_TEST(default_of("history-table") == defaults.migrate.history_table.name);
  BOOST_TEST(default_of("target") == "newest");
  BOOST_TEST(default_of("repair") == "");
}

BOOST_AUTO_TEST_CASE(readme_option_table_matches_help) {
  const auto help = rows_of_help(help_text());
  const auto readme = rows_of_readme(read_readme());
  BOOST_TEST_REQUIRE(readme.size() == help.size());
  for (std::size_t i = 0; i < help.size(); ++i) {
    BOOST_TEST_CONTEXT("option " << help[i].name) {
      BOOST_TEST(readme[i].name == help[i].name);
      BOOST_TEST(readme[i].environment == help[i].environment);
      BOOST_TEST(readme[i].shown_default == help[i].shown_default);
    }
  }
}
