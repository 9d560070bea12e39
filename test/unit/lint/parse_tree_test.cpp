#define BOOST_TEST_MODULE parse_tree
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>

#include "lint/parse_tree.hpp"

using namespace dbinit::lint;

BOOST_AUTO_TEST_CASE(each_statement_begins_after_the_previous_semicolon_and_is_found_at_its_first_word) {
  const std::string sql = "-- header\nCREATE TABLE t (a int);\n\n/* why */ DROP TABLE t";
  auto parsed = parse_sql(sql);
  scan_sql(sql, std::get<ParsedSql>(parsed));
  const auto& statements = std::get<ParsedSql>(parsed).statements;
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  BOOST_TEST(statements[0].begin == 0u);
  BOOST_TEST(statements[0].first_token == sql.find("CREATE"));
  BOOST_TEST(statements[0].end == sql.find(';'));
  BOOST_TEST(statements[0].node->node_case == PG_QUERY__NODE__NODE_CREATE_STMT);
  BOOST_TEST(statements[1].begin == sql.find(';') + 1);
  BOOST_TEST(statements[1].first_token == sql.find("DROP"));
  BOOST_TEST(statements[1].end == sql.size());  // no ';': to the end
}

BOOST_AUTO_TEST_CASE(comments_are_kept_with_where_they_are_but_not_text_that_looks_like_one) {
  const std::string sql = "-- one\nSELECT '-- not one', $$/* nor this */$$; /* two */";
  auto parsed = parse_sql(sql);
  scan_sql(sql, std::get<ParsedSql>(parsed));
  const auto& comments = std::get<ParsedSql>(parsed).comments;
  BOOST_TEST_REQUIRE(comments.size() == 2u);
  BOOST_TEST(comments[0].text == "-- one");
  BOOST_TEST(comments[0].begin == 0u);
  BOOST_TEST(comments[1].text == "/* two */");
  BOOST_TEST(comments[1].begin == sql.find("/* two"));
}

BOOST_AUTO_TEST_CASE(a_syntax_error_is_postgresqls_message_at_a_byte_offset) {
  // The parser counts characters; 'é' is two bytes.
  const std::string sql = "SELECT 'é';\nSELEC 1;";
  const auto parsed = parse_sql(sql);
  const auto* error = std::get_if<SyntaxError>(&parsed);
  BOOST_TEST_REQUIRE(error != nullptr);
  BOOST_TEST(error->message == "syntax error at or near \"SELEC\"");
  BOOST_TEST(error->offset == sql.find("SELEC 1"));
}

BOOST_AUTO_TEST_CASE(a_file_of_comments_alone_has_no_statement) {
  const std::string sql = "-- dbinit:no-transaction\n-- nothing yet\n";
  auto parsed = parse_sql(sql);
  scan_sql(sql, std::get<ParsedSql>(parsed));
  BOOST_TEST(std::get<ParsedSql>(parsed).statements.empty());
  BOOST_TEST(std::get<ParsedSql>(parsed).comments.size() == 2u);
}
