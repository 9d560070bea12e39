#pragma once
// `dbinit lint` over a migration set: each up file parsed by PostgreSQL's
// parser, in version order, each statement held against the rules
// (lint/rules.hpp) with what the files before it created, the ignore
// comments applied. Pure: texts in, findings out.
#include <cstddef>
#include <string>
#include <vector>

#include "lint/rules.hpp"

namespace dbinit::lint {

struct MigrationText {
  std::string file;  // as findings name it
  std::string sql;
  bool pending = false;  // still to be applied on the database lint was given
};

struct Finding {
  std::string file;
  int line = 0;
  RuleId rule;
  std::string subject;          // the table, or what is wrong with an ignore comment
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

// "FILE:LINE: RULE: what it costs; safe way: ..."
std::string format_finding(const Finding& finding);
// "FILE:LINE: RULE: exempt: TABLE does not exist yet on the database: ..."
std::string format_exemption(const Finding& exemption);
// "FILE:LINE:COLUMN: PostgreSQL's message"
std::string format_failure(const SyntaxFailure& failure);

// 2 when a file did not parse, else 1 when anything was found, else 0.
int lint_exit_code(const LintReport& report);

}  // namespace dbinit::lint
