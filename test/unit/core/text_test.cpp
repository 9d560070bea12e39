#define BOOST_TEST_MODULE text
#include <boost/test/unit_test.hpp>

#include "core/text.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(lower_folds_ascii_only) {
  BOOST_TEST(lower("MySchema.Table_1$") == "myschema.table_1$");
  BOOST_TEST(lower("") == "");
  BOOST_TEST(lower("ÉCOLE") == "École");  // bytes above ASCII are left as they are
}

BOOST_AUTO_TEST_CASE(single_line_joins_trimmed_lines) {
  BOOST_TEST(single_line("connection refused\n\tIs the server running?\n") ==
             "connection refused; Is the server running?");
  BOOST_TEST(single_line("one\r\n\r\ntwo") == "one; two");
  BOOST_TEST(single_line("a\tb") == "a b");
  BOOST_TEST(single_line("\n \n") == "");
}

// An error quoting user input stays one line, whatever the value or file
// name holds (test/fuzz/regressions/options, migration_set).
BOOST_AUTO_TEST_CASE(printable_keeps_user_input_on_one_line) {
  BOOST_TEST(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  BOOST_TEST(printable(std::string("x\0y\x1b\x7f", 5)) == "x\\x00y\\x1b\\x7f");
  BOOST_TEST(printable("caf\xc3\xa9 ok") == "caf\xc3\xa9 ok");  // UTF-8 stays as it is
}

BOOST_AUTO_TEST_CASE(contains_word_finds_whole_words_in_any_case) {
  BOOST_TEST(contains_word("CREATE INDEX CONCURRENTLY i ON t (x)", "concurrently"));
  BOOST_TEST(contains_word("concurrently", "concurrently"));
  BOOST_TEST(contains_word("x(concurrently)", "concurrently"));
  BOOST_TEST(!contains_word("CREATE TABLE concurrently_built (x int)", "concurrently"));
  BOOST_TEST(!contains_word("SELECT not_concurrently", "concurrently"));
  BOOST_TEST(!contains_word("", "concurrently"));
}
