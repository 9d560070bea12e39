#include "lint/lint.hpp"

#include <algorithm>
#include <map>
#include <variant>

#include "lint/ignore_comment.hpp"
#include "lint/parse_tree.hpp"
#include "lint/set_memory.hpp"
#include "migration_set/set.hpp"
#include "migration_set/sql_split.hpp"

namespace dbinit::lint {

namespace {

// What the statement's ignore comments with a reason silence.
using Silencer = std::vector<const Rule*>;

// The ignore comments of a file, attached to their statements; a comment
// that cannot silence anything is a finding itself.
std::map<std::size_t, Silencer> read_ignores(const MigrationText& migration, const ParsedSql& parsed,
                                            std::vector<Finding>& findings) {
  std::map<std::size_t, Silencer> silencers;
  for (const SqlComment& comment : parsed.comments) {
    const auto ignore = read_ignore_comment(comment.text);
    if (!ignore) continue;
    const auto complain = [&](std::string what) {
      const LineColumn where = line_column_at(migration.sql, comment.begin);
      findings.push_back({.file = migration.file,
                          .line = where.line,
                          .column = where.column,
                          .rule = &rules::bad_lint_ignore,
                          .subject = std::move(what),
                          .note = {},
                          .pending_creator = {}});
    };
    const auto statement = statement_of_comment(migration.sql, parsed.statements, comment.begin);
    if (!ignore->rule)
      complain(ignore->rule_name.empty() ? "names no rule" : "names no rule of dbinit lint ('" + ignore->rule_name + "')");
    else if (ignore->reason.empty())
      complain("gives no reason after " + ignore->rule_name);
    else if (!statement)
      complain("stands before no statement");
    else
      silencers[*statement].push_back(ignore->rule);
  }
  return silencers;
}

// Every rule's breaches of one statement, judged on what came before it.
std::vector<RuleBreach> check_statement(const PgQuery__Node& statement, const SetMemory& memory) {
  std::vector<RuleBreach> breaches;
  for (const Rule* rule : all_rules()) {
    if (!rule->check) continue;
    Breaches reporter(*rule, memory, breaches);
    rule->check(statement, memory, reporter);
  }
  return breaches;
}

}  // namespace

bool has_no_transaction_directive(std::string_view sql) {
  std::string_view first_line = sql.substr(0, sql.find('\n'));
  while (!first_line.empty() && (first_line.back() == ' ' || first_line.back() == '\t' || first_line.back() == '\r'))
    first_line.remove_suffix(1);
  return first_line == no_transaction_directive;
}

LintReport lint_migrations(const std::vector<MigrationText>& migrations) {
  LintReport report;
  SetMemory memory;
  for (const MigrationText& migration : migrations) {
    memory.start_migration(migration.file, migration.pending, !migration.no_transaction);
    auto parsed = parse_sql(migration.sql);
    if (const auto* error = std::get_if<SyntaxError>(&parsed)) {
      const LineColumn where = line_column_at(migration.sql, std::min(error->offset, migration.sql.size()));
      report.failures.push_back({migration.file, where.line, where.column, error->message});
      continue;
    }
    ParsedSql& sql = std::get<ParsedSql>(parsed);
    ++report.files_parsed;
    report.statements += sql.statements.size();
    bool scanned = migration.sql.find(ignore_directive) != std::string::npos;
    if (scanned) scan_sql(migration.sql, sql);
    std::vector<Finding> found;
    const auto silencers = read_ignores(migration, sql, found);
    for (std::size_t i = 0; i < sql.statements.size(); ++i) {
      if (!sql.statements[i].node) continue;
      std::vector<RuleBreach> breaches = check_statement(*sql.statements[i].node, memory);
      learn(*sql.statements[i].node, memory);
      if (breaches.empty()) continue;
      if (!scanned) scan_sql(migration.sql, sql);
      scanned = true;
      const auto silencer = silencers.find(i);
      const LineColumn where = line_column_at(migration.sql, sql.statements[i].first_token);
      for (RuleBreach& breach : breaches) {
        if (silencer != silencers.end() &&
            std::find(silencer->second.begin(), silencer->second.end(), breach.rule) != silencer->second.end())
          continue;
        Finding finding{.file = migration.file,
                        .line = where.line,
                        .column = where.column,
                        .rule = breach.rule,
                        .subject = std::move(breach.subject),
                        .note = std::move(breach.note),
                        .pending_creator = std::move(breach.pending_creator)};
        (finding.pending_creator.empty() ? found : report.exemptions).push_back(std::move(finding));
      }
    }
    // In the order of the file: an ignore comment's finding among its statements'.
    std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) { return a.line < b.line; });
    report.findings.insert(report.findings.end(), found.begin(), found.end());
  }
  return report;
}

std::string finding_message(const Finding& finding) {
  std::string cost(finding.rule->cost);
  if (const auto slot = cost.find("{}"); slot != std::string::npos) cost.replace(slot, 2, finding.subject);
  if (!finding.note.empty()) cost += " (" + finding.note + ")";
  return cost;
}

std::string format_finding(const Finding& finding) {
  return finding.file + ":" + std::to_string(finding.line) + ": " + std::string(finding.rule->name) + ": " +
         finding_message(finding) + "; safe way: " + std::string(finding.rule->safe_way);
}

std::string format_exemption(const Finding& exemption) {
  return exemption.file + ":" + std::to_string(exemption.line) + ": " + std::string(exemption.rule->name) +
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
