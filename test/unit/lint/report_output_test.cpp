#define BOOST_TEST_MODULE lint_report_output
#include <boost/test/unit_test.hpp>

#include <string>

#include "lint/report_output.hpp"
#include "lint/rules.hpp"

using namespace dbinit::lint;

namespace {

LintReport report_with(std::string file, std::string subject) {
  LintReport report;
  report.findings.push_back({.file = std::move(file),
                             .line = 3,
                             .column = 5,
                             .rule = &rules::truncate,
                             .subject = std::move(subject),
                             .note = {},
                             .pending_creator = {}});
  report.failures.push_back({"b.sql", 2, 7, "syntax error at or near \"TABEL\""});
  report.files_parsed = 1;
  report.statements = 4;
  return report;
}

}  // namespace

BOOST_AUTO_TEST_CASE(github_annotations_escape_what_workflow_commands_reserve) {
  const std::string out = render_report(report_with("db/a,b:c.sql", "t%1\nx"), OutputFormat::github);
  BOOST_TEST(out ==
             "::error file=b.sql,line=2,col=7,title=PostgreSQL's parser refuses the file::syntax error at or near "
             "\"TABEL\"\n"
             "::warning file=db/a%2Cb%3Ac.sql,line=3,col=5,title=dbinit-lint truncate::TRUNCATE removes every row of "
             "t%251%0Ax under an ACCESS EXCLUSIVE lock, while the app may still read and write them; safe way: DELETE "
             "the rows the app no longer needs, in batches with a WHERE clause\n");
}

BOOST_AUTO_TEST_CASE(json_is_one_object_with_every_finding_and_refused_file) {
  const std::string out = render_report(report_with("a\"b.sql", "t"), OutputFormat::json);
  BOOST_TEST(out ==
             "{\"findings\":[{\"file\":\"a\\\"b.sql\",\"line\":3,\"column\":5,\"rule\":\"truncate\",\"subject\":\"t\","
             "\"message\":\"TRUNCATE removes every row of t under an ACCESS EXCLUSIVE lock, while the app may still "
             "read and write them\",\"safe_way\":\"DELETE the rows the app no longer needs, in batches with a WHERE "
             "clause\"}],\"exemptions\":[],\"refused_files\":[{\"file\":\"b.sql\",\"line\":2,\"column\":7,"
             "\"message\":\"syntax error at or near \\\"TABEL\\\"\"}],\"files_read\":1,\"statements\":4}\n");
}

BOOST_AUTO_TEST_CASE(text_is_a_line_each_with_the_prefix) {
  const std::string out = render_report(report_with("a.sql", "t"), OutputFormat::text, "dbinit: warning: ");
  BOOST_TEST(out.starts_with("dbinit: warning: b.sql:2:7: PostgreSQL's parser refuses the file: "));
  BOOST_TEST(out.find("\ndbinit: warning: a.sql:3: truncate: TRUNCATE removes every row of t ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_rule_list_has_a_line_per_rule) {
  const std::string out = render_rule_list();
  BOOST_TEST(static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')) == all_rules().size());
  BOOST_TEST(out.find("truncate: TRUNCATE removes every row of the table ") != std::string::npos);
}
