#pragma once
// One rule of dbinit-lint. Each lives in a file of its own under
// src/lint/rules/, in the shape squawk gives its rules: the matcher, what a
// finding says (what the statement costs on a table the running app uses,
// and the safe way to get the same result), one line for the documentation's
// table, and examples, bad and good. src/lint/rule_list.hpp registers it in
// one line. The examples are tests (test/unit/lint/rules_test.cpp): each is
// linted after example_tables, and a bad one must produce the rule's
// finding, a good one no finding at all; the documentation's table
// (docs/migrations.md) is generated from these fields and held to them.
#include <pg_query/pg_query.pb-c.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lint/set_memory.hpp"

namespace dbinit::lint {

class Breaches;

struct Rule {
  std::string_view name;      // kebab-case: what a finding and an ignore comment call it
  std::string_view found_on;  // for the documentation's table, Markdown: which statements
  std::string_view cost;      // what it costs; "{}" stands for the table (or what the rule names)
  std::string_view subject_in_docs = "the table";  // what "{}" reads as in the documentation's table
  std::string_view safe_way;
  std::span<const std::string_view> bad;   // migrations that must produce this rule's finding
  std::span<const std::string_view> good;  // the safe way, which must produce no finding
  // Looks at one statement with what the statements before it made; absent
  // for a rule that is not about statements (bad-lint-ignore).
  void (*check)(const PgQuery__Node& statement, const SetMemory& memory, Breaches& breaches) = nullptr;
};

// The migration the examples are linted after: the tables the app uses.
inline constexpr std::string_view example_tables =
    "CREATE TABLE parents (id int PRIMARY KEY);\n"
    "CREATE TABLE t (id int PRIMARY KEY, a varchar(10), n numeric(10,2), b int, c text, p int);\n"
    "CREATE INDEX t_a ON t (a);\n";

struct RuleBreach {
  const Rule* rule;
  std::string subject;          // what the finding names: the table, mostly
  std::string note;             // why, where the rule's text alone does not say it
  std::string pending_creator;  // set: exempt, this pending migration creates the table
};

// Where a rule's check reports. A rule about tables the app uses reports
// through on_live_table: nothing on a table this migration created (new
// and empty when the statement runs), an exemption on one a pending
// migration creates.
class Breaches {
 public:
  Breaches(const Rule& rule, const SetMemory& memory, std::vector<RuleBreach>& out)
      : rule_(rule), memory_(memory), out_(out) {}
  // Whether it was reported (false: created in this migration).
  bool on_live_table(const std::string& table, std::string note = {});
  // One for each table; none named (VACUUM FULL of the whole database) is one for every table.
  void on_each_live_table(const std::vector<std::string>& tables);
  // Whatever the table: a mistake in the statement itself.
  void on(std::string subject, std::string note = {});

 private:
  const Rule& rule_;
  const SetMemory& memory_;
  std::vector<RuleBreach>& out_;
};

}  // namespace dbinit::lint
