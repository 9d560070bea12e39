#pragma once
// dbinit-lint over a sequence of migrations (a set's up files in version
// order, or files in the order given): each parsed by PostgreSQL 17's
// parser, each statement held against the rules (lint/rules.hpp) with what
// the statements before it made (lint/set_memory.hpp), the ignore comments
// applied. Pure: texts in, findings out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lint/rules.hpp"

namespace dbinit::lint {

struct MigrationText {
  std::string file;  // as findings name it
  std::string sql;
  bool pending = false;  // still to be applied on the database lint was given
  bool no_transaction = false;  // a -- dbinit:no-transaction migration: each statement commits alone
};

// Whether `sql` starts with the line `-- dbinit:no-transaction`, as dbinit
// reads a migration (for files that are not read as a set).
bool has_no_transaction_directive(std::string_view sql);

struct Finding {
  std::string file;
  int line = 0;
  int column = 0;
  const Rule* rule = nullptr;
  std::string subject;          // the table, or what is wrong with an ignore comment
  std::string note;             // why, where the rule's text alone does not say it
  std::string pending_creator;  // for an exemption: the pending migration that creates the table
};

// A file PostgreSQL's parser refuses: nothing in it is checked.
struct SyntaxFailure {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;  // PostgreSQL's own
};

struct LintReport {
  std::vector<Finding> findings;
  // Breaches on tables that a migration still pending on the database
  // creates: no finding there, shown so that a reader knows why.
  std::vector<Finding> exemptions;
  std::vector<SyntaxFailure> failures;
  std::size_t files_parsed = 0;
  std::size_t statements = 0;
};

LintReport lint_migrations(const std::vector<MigrationText>& migrations);

// "what it costs (note)": the finding's message without place and rule.
std::string finding_message(const Finding& finding);
// "FILE:LINE: RULE: what it costs (note); safe way: ..."
std::string format_finding(const Finding& finding);
// "FILE:LINE: RULE: exempt: TABLE does not exist yet on the database: ..."
std::string format_exemption(const Finding& exemption);
// "FILE:LINE:COLUMN: PostgreSQL's message"
std::string format_failure(const SyntaxFailure& failure);

// 2 when a file did not parse, else 1 when anything was found, else 0.
int lint_exit_code(const LintReport& report);

}  // namespace dbinit::lint
