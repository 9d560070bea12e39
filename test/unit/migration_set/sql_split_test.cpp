#define BOOST_TEST_MODULE sql_split
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "migration_set/sql_split.hpp"

using namespace dbinit;

namespace {

std::vector<std::string> texts_of(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto& statement : split_statements(sql)) out.emplace_back(statement.text);
  return out;
}

using Texts = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_CASE(splits_on_semicolons_and_drops_them) {
  BOOST_TEST(texts_of("SELECT 1; SELECT 2;") == Texts({"SELECT 1", "SELECT 2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(trailing_statement_without_semicolon_is_kept) {
  BOOST_TEST(texts_of("SELECT 1;\nSELECT 2") == Texts({"SELECT 1", "SELECT 2"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT 1") == Texts({"SELECT 1"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_and_comment_only_statements_are_skipped) {
  BOOST_TEST(texts_of(";;  ;\n SELECT 1;;\n;") == Texts({"SELECT 1"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT 1;\n-- the end\n") == Texts({"SELECT 1"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("/* nothing */;\nSELECT 1;\n/* trailing */") == Texts({"SELECT 1"}),
             boost::test_tools::per_element());
  BOOST_TEST(split_statements("").empty());
  BOOST_TEST(split_statements(" \n\t ").empty());
  BOOST_TEST(split_statements("-- only a comment").empty());
  BOOST_TEST(split_statements("/* a /* nested */ comment */ ;").empty());
}

BOOST_AUTO_TEST_CASE(semicolon_inside_a_string_does_not_split) {
  BOOST_TEST(texts_of("SELECT 'a;b'; SELECT 2") == Texts({"SELECT 'a;b'", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(doubled_quotes_stay_inside_the_string) {
  BOOST_TEST(texts_of("SELECT 'it''s; fine'; SELECT 2") == Texts({"SELECT 'it''s; fine'", "SELECT 2"}),
             boost::test_tools::per_element());
  // A string holding only a quote, then an empty string.
  BOOST_TEST(texts_of("SELECT '''', ''; SELECT 2") == Texts({"SELECT '''', ''", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(backslash_escapes_only_in_e_strings) {
  // E'\'' is a string holding one quote; the ';' after it is still inside.
  BOOST_TEST(texts_of(R"(SELECT E'\'; still'; SELECT 2)") == Texts({R"(SELECT E'\'; still')", "SELECT 2"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of(R"(SELECT e'\\'; SELECT 2)") == Texts({R"(SELECT e'\\')", "SELECT 2"}),
             boost::test_tools::per_element());
  // A standard string ends at the quote after the backslash.
  BOOST_TEST(texts_of(R"(SELECT 'C:\'; SELECT 2)") == Texts({R"(SELECT 'C:\')", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(identifier_ending_in_e_before_a_string_is_not_an_e_string) {
  // PostgreSQL reads ESCAPE'\' as the keyword ESCAPE and the standard string '\'.
  BOOST_TEST(texts_of(R"(SELECT 'a_b' LIKE 'a\_b' ESCAPE'\'; SELECT 2)") ==
                 Texts({R"(SELECT 'a_b' LIKE 'a\_b' ESCAPE'\')", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(quoted_identifiers_may_hold_semicolons) {
  BOOST_TEST(texts_of(R"(CREATE TABLE "a;b" ("x"";y" int); SELECT 2)") ==
                 Texts({R"(CREATE TABLE "a;b" ("x"";y" int))", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dollar_quoted_bodies_keep_their_semicolons) {
  const std::string function = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
  BOOST_TEST(texts_of(function + ";\nSELECT 2;") == Texts({function, "SELECT 2"}), boost::test_tools::per_element());

  const std::string tagged = "DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$;'; END $body$";
  BOOST_TEST(texts_of(tagged + "; SELECT 2") == Texts({tagged, "SELECT 2"}), boost::test_tools::per_element());

  const std::string nested = "DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$";
  BOOST_TEST(texts_of(nested + "; SELECT 2") == Texts({nested, "SELECT 2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(positional_parameters_are_not_dollar_quotes) {
  BOOST_TEST(texts_of("PREPARE p AS SELECT $1; SELECT 2; SELECT $2") ==
                 Texts({"PREPARE p AS SELECT $1", "SELECT 2", "SELECT $2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(line_comments_hide_semicolons) {
  BOOST_TEST(texts_of("SELECT 1 -- not here; nor here\n + 1; SELECT 2") ==
                 Texts({"SELECT 1 -- not here; nor here\n + 1", "SELECT 2"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT 1; -- it's a comment; 'unbalanced\nSELECT 2") == Texts({"SELECT 1", "SELECT 2"}),
             boost::test_tools::per_element());
}

// As for the server's scanner, '\r' is a line break too: a file with old
// Mac line ends keeps its statements.
BOOST_AUTO_TEST_CASE(a_carriage_return_ends_a_line_comment) {
  BOOST_TEST(texts_of("--\rCREATE INDEX ON s(r)") == Texts({"CREATE INDEX ON s(r)"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT 1 -- one\r; SELECT 2") == Texts({"SELECT 1 -- one\r", "SELECT 2"}),
             boost::test_tools::per_element());
}

// The server joins 'a'<newline>'b' into one literal of the first one's
// kind: the continued part of an E'' string keeps its escapes.
BOOST_AUTO_TEST_CASE(a_string_continued_on_the_next_line_keeps_its_escapes) {
  BOOST_TEST(texts_of("SELECT E'a'\n'b\\';c'; SELECT 2") == Texts({"SELECT E'a'\n'b\\';c'", "SELECT 2"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT E'a' -- one\n-- two\r\n  '\\';'; SELECT 2") ==
                 Texts({"SELECT E'a' -- one\n-- two\r\n  '\\';'", "SELECT 2"}),
             boost::test_tools::per_element());
  // Without a line break between them they are two strings.
  BOOST_TEST(texts_of("SELECT E'a' '\\';'") == Texts({"SELECT E'a' '\\'", "'"}), boost::test_tools::per_element());
}

// A dollar-quote tag may hold non-ASCII letters, as an identifier may.
BOOST_AUTO_TEST_CASE(a_dollar_quote_tag_may_be_non_ascii) {
  BOOST_TEST(texts_of("SELECT $\xc3\xa9$;$\xc3\xa9$; SELECT 2") == Texts({"SELECT $\xc3\xa9$;$\xc3\xa9$", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(block_comments_nest) {
  // After the inner */ the outer comment is still open, so "; still;" is comment.
  BOOST_TEST(texts_of("SELECT 1 /* outer /* inner; */ still; */ + 1; SELECT 2") ==
                 Texts({"SELECT 1 /* outer /* inner; */ still; */ + 1", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(leading_nested_comment_is_skipped_in_text_and_offset) {
  const std::string sql = "/* outer /* inner */ still comment; */ SELECT 1; SELECT 2";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  BOOST_TEST(statements[0].text == "SELECT 1");
  BOOST_TEST(statements[0].offset == sql.find("SELECT 1"));
}

BOOST_AUTO_TEST_CASE(offsets_point_at_the_first_character_after_blanks_and_comments) {
  const std::string sql = "  -- header; with semicolon\n\t/* note */  CREATE TABLE a (x int);\n\n-- next\nINSERT INTO a VALUES (1)";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  BOOST_TEST(statements[0].offset == sql.find("CREATE"));
  BOOST_TEST(statements[1].offset == sql.find("INSERT"));
  for (const auto& statement : statements) {
    // text is a view into the input at offset, not a copy.
    BOOST_TEST(static_cast<const void*>(statement.text.data()) == static_cast<const void*>(sql.data() + statement.offset));
  }
}

BOOST_AUTO_TEST_CASE(quotes_inside_comments_and_comment_markers_inside_strings) {
  BOOST_TEST(texts_of("/* it's */ SELECT '--;', '/*;'; SELECT 2") == Texts({"SELECT '--;', '/*;'", "SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unterminated_constructs_swallow_the_rest) {
  BOOST_TEST(texts_of("SELECT 'open; SELECT 2") == Texts({"SELECT 'open; SELECT 2"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT $$ open; SELECT 2") == Texts({"SELECT $$ open; SELECT 2"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT 1 /* open; SELECT 2") == Texts({"SELECT 1 /* open; SELECT 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(line_column_counts_lines_and_characters) {
  const std::string_view text = "ab\ncd\n";
  BOOST_TEST(line_column_at(text, 0).line == 1);
  BOOST_TEST(line_column_at(text, 0).column == 1);
  BOOST_TEST(line_column_at(text, 1).column == 2);
  BOOST_TEST(line_column_at(text, 3).line == 2);
  BOOST_TEST(line_column_at(text, 3).column == 1);
  BOOST_TEST(line_column_at(text, 4).line == 2);
  BOOST_TEST(line_column_at(text, 4).column == 2);
  // Past the end: the position after the last character.
  BOOST_TEST(line_column_at(text, 100).line == 3);
  BOOST_TEST(line_column_at(text, 100).column == 1);
}

BOOST_AUTO_TEST_CASE(line_column_counts_utf8_characters_not_bytes) {
  const std::string text = "-- é\nSELECT 'héllo', '日本', x";
  const auto at = line_column_at(text, text.find(", x") + 2);
  BOOST_TEST(at.line == 2);
  BOOST_TEST(at.column == 23);  // "SELECT 'héllo', '日本', " is 22 characters
  BOOST_TEST(line_column_at(text, text.find('\n')).column == 5);  // "-- é" is 4 characters
}

BOOST_AUTO_TEST_CASE(byte_offset_of_character_skips_continuation_bytes) {
  const std::string_view text = "aé日b";  // bytes: a, 2 for é, 3 for 日, b
  BOOST_TEST(byte_offset_of_character(text, 0) == 0u);
  BOOST_TEST(byte_offset_of_character(text, 1) == 1u);
  BOOST_TEST(byte_offset_of_character(text, 2) == 3u);
  BOOST_TEST(byte_offset_of_character(text, 3) == 6u);
  BOOST_TEST(byte_offset_of_character(text, 4) == text.size());
  BOOST_TEST(byte_offset_of_character(text, 99) == text.size());
}

BOOST_AUTO_TEST_CASE(character_count_counts_code_points) {
  BOOST_TEST(character_count("") == 0u);
  BOOST_TEST(character_count("abc") == 3u);
  BOOST_TEST(character_count("aé日b") == 4u);
  BOOST_TEST(character_count("😀") == 1u);
}

BOOST_AUTO_TEST_CASE(atomic_bodies_with_case_keep_their_semicolons) {
  const auto statements = split_statements(
      "CREATE FUNCTION sign_of(x int) RETURNS text LANGUAGE sql\n"
      "BEGIN ATOMIC\n  SELECT CASE WHEN x < 0 THEN 'neg' ELSE 'pos' END;\nEND;\nSELECT 2;");
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  BOOST_TEST(statements[1].text == "SELECT 2");
  // Words inside strings and comments do not count.
  BOOST_TEST(split_statements("SELECT 'begin atomic'; -- begin atomic\nSELECT 3;").size() == 2u);
}

// Only a function's or procedure's body opens with BEGIN ATOMIC; elsewhere
// the two unreserved keywords are a column and its alias, and the ';' after
// them ends the statement, as it does for the server.
BOOST_AUTO_TEST_CASE(begin_atomic_opens_a_body_only_in_create_function_or_procedure) {
  BOOST_TEST(texts_of("SELECT begin atomic FROM t;\nSELECT 2;") == Texts({"SELECT begin atomic FROM t", "SELECT 2"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("CREATE TABLE t2 AS SELECT begin atomic FROM t; SELECT 2") ==
                 Texts({"CREATE TABLE t2 AS SELECT begin atomic FROM t", "SELECT 2"}),
             boost::test_tools::per_element());
  // Inside parentheses, even in CREATE FUNCTION, it is not the body.
  BOOST_TEST(texts_of("CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN (SELECT begin atomic FROM t); SELECT 2") ==
                 Texts({"CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN (SELECT begin atomic FROM t)", "SELECT 2"}),
             boost::test_tools::per_element());
  const std::string procedure =
      "create or replace procedure p() language sql begin atomic insert into t values (1); end";
  BOOST_TEST(texts_of(procedure + ";\nSELECT 2;") == Texts({procedure, "SELECT 2"}), boost::test_tools::per_element());
}

// A rule's action list holds semicolons inside parentheses, and the
// server's scanner keeps it one statement (test/fuzz/regressions/sql_split).
BOOST_AUTO_TEST_CASE(semicolons_inside_parentheses_do_not_split) {
  BOOST_TEST(texts_of("CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2); SELECT 4") ==
                 Texts({"CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2)", "SELECT 4"}),
             boost::test_tools::per_element());
  // A stray closing parenthesis does not swallow the next semicolon.
  BOOST_TEST(texts_of("SELECT 1); SELECT 2") == Texts({"SELECT 1)", "SELECT 2"}), boost::test_tools::per_element());
}

// '$' continues an identifier, also one that starts with '_' or a non-ASCII
// letter, so "$b$" there is not a dollar quote (test/fuzz/regressions/sql_split).
BOOST_AUTO_TEST_CASE(a_dollar_inside_an_identifier_does_not_open_a_quote) {
  BOOST_TEST(texts_of("SELECT a$b$; SELECT 2; SELECT $b$") == Texts({"SELECT a$b$", "SELECT 2", "SELECT $b$"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT _x$t$; SELECT 2") == Texts({"SELECT _x$t$", "SELECT 2"}), boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT \xc3\xa9t\xc3\xa9$t$; SELECT 2") == Texts({"SELECT \xc3\xa9t\xc3\xa9$t$", "SELECT 2"}),
             boost::test_tools::per_element());
}

// The '$' closing a dollar quote ends a token, so the word right after it is
// an identifier that may hold '$', not the opening of another quote
// (test/fuzz/regressions/sql_split/identifier_right_after_a_dollar_quote).
BOOST_AUTO_TEST_CASE(a_word_right_after_a_dollar_quote_is_an_identifier) {
  BOOST_TEST(texts_of("SELECT $t$ ; $t$pag$$; SELECT 2; SELECT 3") ==
                 Texts({"SELECT $t$ ; $t$pag$$", "SELECT 2", "SELECT 3"}),
             boost::test_tools::per_element());
  BOOST_TEST(texts_of("SELECT $a$x$a$$b$y;$b$; SELECT 2") == Texts({"SELECT $a$x$a$$b$y;$b$", "SELECT 2"}),
             boost::test_tools::per_element());
}

// The same token boundary makes an E right after a dollar quote the prefix
// of an escaped string, whose \' does not close it
// (test/fuzz/regressions/sql_split/e_string_right_after_a_dollar_quote).
BOOST_AUTO_TEST_CASE(an_e_string_right_after_a_dollar_quote_keeps_its_escapes) {
  BOOST_TEST(texts_of(R"(SELECT $$x$$E'\';'; SELECT 2)") == Texts({R"(SELECT $$x$$E'\';')", "SELECT 2"}),
             boost::test_tools::per_element());
}
