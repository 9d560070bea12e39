#include "lint/lint.hpp"

#include <algorithm>
#include <map>
#include <variant>

#include "lint/ignore_comment.hpp"
#include "lint/parse_tree.hpp"
#include "lint/statement_rules.hpp"
#include "migration_set/sql_split.hpp"

namespace dbinit::lint {

namespace {

int line_at(std::string_view sql, std::size_t offset) { return line_column_at(sql, offset).line; }

struct Silencer {
  std::vector<RuleId> rules;  // what the statement's ignore comments with a reason silence
};

// The ignore comments of a file, attached to their statements; a comment
// that cannot silence anything is a finding itself.
std::map<std::size_t, Silencer> read_ignores(const MigrationText& migration, const ParsedSql& parsed,
                                            std::vector<Finding>& findings) {
  std::map<std::size_t, Silencer> silencers;
  for (const SqlComment& comment : parsed.comments) {
    const auto ignore = read_ignore_comment(comment.text);
    if (!ignore) continue;
    const auto complain = [&](std::string what) {
      findings.push_back({migration.file, line_at(migration.sql, comment.begin), RuleId::bad_lint_ignore,
                          std::move(what), {}});
    };
    const auto statement = statement_of_comment(migration.sql, parsed.statements, comment.begin);
    if (!ignore->rule)
      complain(ignore->rule_name.empty() ? "names no rule" : "names no rule of dbinit lint ('" + ignore->rule_name + "')");
    else if (ignore->reason.empty())
      complain("gives no reason after " + ignore->rule_name);
    else if (!statement)
      complain("stands before no statement");
    else
      silencers[*statement].rules.push_back(*ignore->rule);
  }
  return silencers;
}

}  // namespace

LintReport lint_migrations(const std::vector<MigrationText>& migrations) {
  LintReport report;
  SetMemory memory;
  for (const MigrationText& migration : migrations) {
    memory.created_in_this_migration.clear();
    memory.migration_file = migration.file;
    memory.migration_pending = migration.pending;
    auto parsed = parse_sql(migration.sql);
    if (const auto* error = std::get_if<SyntaxError>(&parsed)) {
      const LineColumn where = line_column_at(migration.sql, std::min(error->offset, migration.sql.size()));
      report.failures.push_back({migration.file, where.line, where.column, error->message});
      continue;
    }
    const ParsedSql& sql = std::get<ParsedSql>(parsed);
    ++report.files_parsed;
    report.statements += sql.statements.size();
    std::vector<Finding> found;
    const auto silencers = read_ignores(migration, sql, found);
    for (std::size_t i = 0; i < sql.statements.size(); ++i) {
      const ParsedStatement& statement = sql.statements[i];
      if (!statement.node) continue;
      const auto silencer = silencers.find(i);
      for (RuleBreach& breach : check_statement(*statement.node, memory)) {
        if (silencer != silencers.end() &&
            std::find(silencer->second.rules.begin(), silencer->second.rules.end(), breach.rule) !=
                silencer->second.rules.end())
          continue;
        Finding finding{migration.file, line_at(migration.sql, statement.first_token), breach.rule,
                        std::move(breach.table), std::move(breach.pending_creator)};
        (finding.pending_creator.empty() ? found : report.exemptions).push_back(std::move(finding));
      }
    }
    // In the order of the file: an ignore comment's finding among its statements'.
    std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) { return a.line < b.line; });
    report.findings.insert(report.findings.end(), found.begin(), found.end());
  }
  return report;
}

std::string format_finding(const Finding& finding) {
  const Rule& broken = rule(finding.rule);
  std::string cost(broken.cost);
  if (const auto slot = cost.find("{}"); slot != std::string::npos) cost.replace(slot, 2, finding.subject);
  return finding.file + ":" + std::to_string(finding.line) + ": " + std::string(broken.name) + ": " + cost +
         "; safe way: " + std::string(broken.safe_way);
}

std::string format_exemption(const Finding& exemption) {
  return exemption.file + ":" + std::to_string(exemption.line) + ": " + std::string(rule(exemption.rule).name) +
         ": exempt: " + exemption.subject + " does not exist yet on the database: " + exemption.pending_creator +
         ", which creates it, is still pending there";
}

std::string format_failure(const SyntaxFailure& failure) {
  return failure.file + ":" + std::to_string(failure.line) + ":" + std::to_string(failure.column) +
         ": PostgreSQL's parser refuses the file: " + failure.message;
}

int lint_exit_code(const LintReport& report) {
  if (!report.failures.empty()) return 2;
  return report.findings.empty() ? 0 : 1;
}

}  // namespace dbinit::lint
