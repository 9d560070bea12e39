#define BOOST_TEST_MODULE migration_error
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/checksum.hpp"
#include "migrate/error_location.hpp"

using namespace dbinit;

using namespace std::chrono_literals;

namespace {

// Two statements; multi-byte characters before the error on its own line and
// on the line above, so counting bytes instead of characters shows.
const std::string file = "CREATE TABLE t (x int);\n-- é日本\n  SELECT 'é' + nope;\n";

Migration migration_of(const std::string& sql) {
  Migration m;
  m.version = 4;
  m.name = "t";
  m.checksum = migration_checksum(sql);
  m.up = {"0004_t.up.sql", sql, false};
  return m;
}

HistoryTable table(std::string_view name = "dbinit_schema_history") { return *parse_history_table(name); }

// The server's 1-based character position of `needle` in the message.
int server_position(const ApplyMessage& message, const std::string& needle) {
  const auto byte = message.sql.find(needle);
  BOOST_TEST_REQUIRE(byte != std::string::npos);
  return static_cast<int>(character_count(std::string_view(message.sql).substr(0, byte))) + 1;
}

void check_at(const std::optional<LineColumn>& at, int line, int column) {
  BOOST_TEST_REQUIRE(at.has_value());
  BOOST_TEST(at->line == line);
  BOOST_TEST(at->column == column);
}

}  // namespace

BOOST_AUTO_TEST_CASE(position_inside_the_file_maps_to_line_and_character_column) {
  const auto message = apply_up_message(table(), 1, migration_of(file), false, "me", 2s);
  const auto position = server_position(message, "nope");
  // The failing statement index does not matter when the position is in the file.
  check_at(locate_in_file(message, file, position, message.statements_before_file + 1), 3, 16);
  check_at(locate_in_file(message, file, position, 0), 3, 16);
}

BOOST_AUTO_TEST_CASE(position_is_relative_to_the_file_whatever_precedes_it) {
  // Creating a schema-qualified table puts more before the file.
  const auto message = apply_up_message(table("app.history"), 1, migration_of(file), true, "me", 2s);
  BOOST_TEST(message.statements_before_file == 4u);
  check_at(locate_in_file(message, file, server_position(message, "nope"), 4), 3, 16);
  check_at(locate_in_file(message, file, server_position(message, "CREATE TABLE t"), 3), 1, 1);
}

BOOST_AUTO_TEST_CASE(first_and_last_characters_of_the_file_are_inside_it) {
  const auto message = apply_up_message(table(), 1, migration_of(file), false, "me", 2s);
  const auto first = static_cast<int>(message.file_character_offset) + 1;
  check_at(locate_in_file(message, file, first, 2), 1, 1);
  const auto last = first + static_cast<int>(character_count(file)) - 1;  // the final newline
  check_at(locate_in_file(message, file, last, 3), 3, 21);
}

BOOST_AUTO_TEST_CASE(position_before_the_file_falls_back_to_the_failed_statement) {
  const auto message = apply_up_message(table(), 1, migration_of(file), false, "me", 2s);
  const int in_prefix = server_position(message, "pg_try_advisory_xact_lock");
  // The second statement of the file starts on line 3, column 3.
  check_at(locate_in_file(message, file, in_prefix, message.statements_before_file + 1), 3, 3);
  check_at(locate_in_file(message, file, in_prefix, message.statements_before_file), 1, 1);
  // The lock or version guard itself failed: nothing in the file to point at.
  BOOST_TEST(!locate_in_file(message, file, in_prefix, 0).has_value());
  BOOST_TEST(!locate_in_file(message, file, in_prefix, message.statements_before_file - 1).has_value());
}

BOOST_AUTO_TEST_CASE(position_after_the_file_in_the_record_is_not_in_the_file) {
  const auto message = apply_up_message(table(), 1, migration_of(file), false, "me", 2s);
  const int in_record = server_position(message, "INSERT INTO");
  BOOST_TEST(!locate_in_file(message, file, in_record, message.statements_before_file + 2).has_value());
  const int just_after = static_cast<int>(message.file_character_offset + character_count(file)) + 1;
  BOOST_TEST(!locate_in_file(message, file, just_after, message.statements_before_file + 2).has_value());
}

BOOST_AUTO_TEST_CASE(without_a_position_the_nth_file_statement_is_named) {
  const auto message = apply_up_message(table(), 1, migration_of(file), false, "me", 2s);
  check_at(locate_in_file(message, file, std::nullopt, message.statements_before_file), 1, 1);
  check_at(locate_in_file(message, file, std::nullopt, message.statements_before_file + 1), 3, 3);
  BOOST_TEST(!locate_in_file(message, file, std::nullopt, message.statements_before_file - 1).has_value());
  BOOST_TEST(!locate_in_file(message, file, std::nullopt, message.statements_before_file + 2).has_value());
  // Zero and negative positions are no positions.
  check_at(locate_in_file(message, file, 0, message.statements_before_file + 1), 3, 3);
  check_at(locate_in_file(message, file, -3, message.statements_before_file + 1), 3, 3);
}

BOOST_AUTO_TEST_CASE(down_message_positions_map_into_the_down_file) {
  auto m = migration_of(file);
  const std::string down = "-- ü\nDROP TABLE t;\nDROP TABLE nope;\n";
  m.down = MigrationScript{"0004_t.down.sql", down, false};
  const auto message = apply_down_message(table(), 1, m, 2s);
  check_at(locate_in_file(message, down, server_position(message, "nope"), message.statements_before_file + 1), 3, 12);
  check_at(locate_in_file(message, down, std::nullopt, message.statements_before_file + 1), 3, 1);
}

BOOST_AUTO_TEST_CASE(statement_sent_alone_maps_its_position_into_the_file) {
  const std::string sql = "SELECT 1;\n  SELECT 'é', nope;\nINSERT INTO t\n  VALUES ('ü', bad);\n";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 3u);
  const auto second = locate_in_statement(sql, statements[1], 13);  // "SELECT 'é', " is 12 characters
  BOOST_TEST(second.line == 2);
  BOOST_TEST(second.column == 15);
  const auto third = locate_in_statement(sql, statements[2], 30);  // "INSERT INTO t\n  VALUES ('ü', " is 29
  BOOST_TEST(third.line == 4);
  BOOST_TEST(third.column == 16);
}

BOOST_AUTO_TEST_CASE(statement_sent_alone_without_position_is_its_start) {
  const std::string sql = "SELECT 1;\n\n  /* why */ SELECT 'é', nope;\n";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  for (const std::optional<int> position : {std::optional<int>{}, std::optional<int>{0}}) {
    const auto at = locate_in_statement(sql, statements[1], position);
    BOOST_TEST(at.line == 3);
    BOOST_TEST(at.column == 13);
  }
}
