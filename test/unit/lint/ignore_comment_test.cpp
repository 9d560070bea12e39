#define BOOST_TEST_MODULE ignore_comment
#include <boost/test/unit_test.hpp>

#include <variant>

#include "lint/ignore_comment.hpp"

using namespace dbinit::lint;

BOOST_AUTO_TEST_CASE(an_ignore_comment_names_a_rule_and_a_reason) {
  const auto ignore = read_ignore_comment("--  dbinit:lint-ignore   drop-table  replaced by archive_t in release 3 ");
  BOOST_TEST_REQUIRE(ignore.has_value());
  BOOST_TEST(ignore->rule_name == "drop-table");
  BOOST_TEST((ignore->rule == &rules::drop_table));
  BOOST_TEST(ignore->reason == "replaced by archive_t in release 3");
}

BOOST_AUTO_TEST_CASE(a_missing_reason_or_unknown_rule_is_kept_for_the_report) {
  const auto bare = read_ignore_comment("-- dbinit:lint-ignore truncate");
  BOOST_TEST_REQUIRE(bare.has_value());
  BOOST_TEST(bare->reason.empty());
  const auto unknown = read_ignore_comment("-- dbinit:lint-ignore no-such-rule because");
  BOOST_TEST_REQUIRE(unknown.has_value());
  BOOST_TEST(unknown->rule == nullptr);
  const auto empty = read_ignore_comment("-- dbinit:lint-ignore");
  BOOST_TEST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->rule_name.empty());
}

BOOST_AUTO_TEST_CASE(other_comments_are_not_ignore_comments) {
  for (const char* comment : {"-- dbinit:no-transaction", "-- dbinit:lint-ignored truncate x", "/* dbinit:lint-ignore truncate x */",
                              "-- see dbinit:lint-ignore truncate x", "--"})
    BOOST_TEST(!read_ignore_comment(comment).has_value(), comment);
}

BOOST_AUTO_TEST_CASE(a_comment_belongs_to_the_next_statement_or_to_the_one_ending_on_its_line) {
  const std::string sql = "-- a\nSELECT 1; -- b\n-- c\nSELECT 2;\n-- d\n";
  const auto parsed = parse_sql(sql);
  const auto& statements = std::get<ParsedSql>(parsed).statements;
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  BOOST_TEST(statement_of_comment(sql, statements, sql.find("-- a")).value_or(9) == 0u);
  BOOST_TEST(statement_of_comment(sql, statements, sql.find("-- b")).value_or(9) == 0u);
  BOOST_TEST(statement_of_comment(sql, statements, sql.find("-- c")).value_or(9) == 1u);
  BOOST_TEST(!statement_of_comment(sql, statements, sql.find("-- d")).has_value());
}
