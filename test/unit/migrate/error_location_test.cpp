#define BOOST_TEST_MODULE error_location
#include <boost/test/unit_test.hpp>

#include <string>

#include "migration_set/checksum.hpp"
#include "migrate/error_location.hpp"
#include "migrate/lock.hpp"

using namespace dbinit;

using namespace std::chrono_literals;

namespace {

// Two statements; multi-byte characters before the error on its own line and
// on the line above, so counting bytes instead of characters shows.
const std::string file = "CREATE TABLE t (x int);\n-- é日本\n  SELECT 'é' + nope;\n";

Migration migration_of(const std::string& sql, long long version = 4) {
  Migration m;
  m.version = version;
  m.name = "t" + std::to_string(version);
  m.checksum = migration_checksum(sql);
  m.up = {"000" + std::to_string(version) + "_t.up.sql", sql, false};
  return m;
}

MessageContext context(std::string_view table = "dbinit_schema_history") {
  const auto history = *parse_history_table(table);
  return {.table = history, .lock_key = lock_key(history), .applied_by_sql = "'me'", .table_lock_timeout = 2s, .printed = false};
}

struct Sent {
  BatchMessage message;
  std::vector<std::string_view> files;
};

Sent batch_of(const std::vector<const Migration*>& migrations, bool create_table = false,
              std::string_view table = "dbinit_schema_history", Direction direction = Direction::up) {
  Batch batch;
  Sent sent;
  for (const auto* m : migrations) {
    batch.steps.push_back({m, direction});
    sent.files.push_back(direction == Direction::up ? m->up.sql : m->down->sql);
  }
  sent.message = batch_message(context(table), batch, create_table);
  return sent;
}

// The server's 1-based character position of the nth `needle` in the message.
int server_position(const BatchMessage& message, const std::string& needle, int nth = 1) {
  std::size_t byte = std::string::npos;
  for (int i = 0; i < nth; ++i) byte = message.sql.find(needle, byte == std::string::npos ? 0 : byte + 1);
  BOOST_TEST_REQUIRE(byte != std::string::npos);
  return static_cast<int>(character_count(std::string_view(message.sql).substr(0, byte))) + 1;
}

void check_at(const ErrorPlace& place, std::size_t step, int line, int column) {
  BOOST_TEST(place.step == step);
  BOOST_TEST_REQUIRE(place.at.has_value());
  BOOST_TEST(place.at->line == line);
  BOOST_TEST(place.at->column == column);
}

void check_own(const ErrorPlace& place, std::size_t step) {
  BOOST_TEST(place.step == step);
  BOOST_TEST(!place.at.has_value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(position_inside_the_file_maps_to_line_and_character_column) {
  const auto m = migration_of(file);
  const auto sent = batch_of({&m});
  const auto position = server_position(sent.message, "nope");
  // The failing statement's index does not matter when the position is in the file.
  check_at(locate_in_batch(sent.message, sent.files, position, 4), 0, 3, 16);
  check_at(locate_in_batch(sent.message, sent.files, position, 0), 0, 3, 16);
}

BOOST_AUTO_TEST_CASE(position_is_relative_to_the_file_whatever_precedes_it) {
  // Creating a schema-qualified table puts more before the file: BEGIN, its
  // settings, the lock, the schema, the table, the record.
  const auto m = migration_of(file);
  const auto sent = batch_of({&m}, true, "app.history");
  BOOST_TEST(sent.message.files[0].statements_before_file == 6u);
  check_at(locate_in_batch(sent.message, sent.files, server_position(sent.message, "nope"), 7), 0, 3, 16);
  check_at(locate_in_batch(sent.message, sent.files, server_position(sent.message, "CREATE TABLE t "), 6), 0, 1, 1);
}

BOOST_AUTO_TEST_CASE(first_and_last_characters_of_the_file_are_inside_it) {
  const auto m = migration_of(file);
  const auto sent = batch_of({&m});
  const auto first = static_cast<int>(sent.message.files[0].character_offset) + 1;
  check_at(locate_in_batch(sent.message, sent.files, first, 0), 0, 1, 1);
  const auto last = first + static_cast<int>(character_count(file)) - 1;  // the final newline
  check_at(locate_in_batch(sent.message, sent.files, last, 0), 0, 3, 21);
}

// dbinit's own statements before and after the file: BEGIN, lock_timeout,
// the record (0 to 2); the file (3, 4); the durations, the notification
// to awaiting replicas and COMMIT (5 to 7).
BOOST_AUTO_TEST_CASE(without_a_position_in_the_file_the_failed_statement_is_named) {
  const auto m = migration_of(file);
  const auto sent = batch_of({&m});
  BOOST_TEST(sent.message.files[0].statements_before_file == 3u);
  BOOST_TEST(sent.message.files[0].statements_after_file == 3u);
  const int in_record = server_position(sent.message, "pg_try_advisory_xact_lock");
  check_at(locate_in_batch(sent.message, sent.files, in_record, 4), 0, 3, 3);
  check_at(locate_in_batch(sent.message, sent.files, std::nullopt, 3), 0, 1, 1);
  check_at(locate_in_batch(sent.message, sent.files, std::nullopt, 4), 0, 3, 3);
  // The record (lock and version guard), or what follows the file.
  check_own(locate_in_batch(sent.message, sent.files, in_record, 2), 0);
  check_own(locate_in_batch(sent.message, sent.files, std::nullopt, 5), 0);
  // Zero and negative positions are no positions.
  check_at(locate_in_batch(sent.message, sent.files, 0, 4), 0, 3, 3);
  check_at(locate_in_batch(sent.message, sent.files, -3, 4), 0, 3, 3);
}

// The second file of a batch: its own BEGIN and settings come after the
// first file's COMMIT.
BOOST_AUTO_TEST_CASE(a_later_file_of_a_batch_is_found_by_position_and_by_statement) {
  const auto first = migration_of("CREATE TABLE a (x int);\n", 4);
  const auto second = migration_of(file, 5);
  const auto sent = batch_of({&first, &second});
  // First: BEGIN, synchronous_commit off, lock_timeout, record (0-3), file (4), COMMIT (5).
  // Second: BEGIN, lock_timeout, record (6-8), file (9, 10), durations, COMMIT.
  check_at(locate_in_batch(sent.message, sent.files, server_position(sent.message, "nope"), 10), 1, 3, 16);
  check_at(locate_in_batch(sent.message, sent.files, std::nullopt, 10), 1, 3, 3);
  check_at(locate_in_batch(sent.message, sent.files, std::nullopt, 4), 0, 1, 1);
  check_own(locate_in_batch(sent.message, sent.files, std::nullopt, 5), 0);
  check_own(locate_in_batch(sent.message, sent.files, server_position(sent.message, "INSERT INTO", 2), 8), 1);
}

BOOST_AUTO_TEST_CASE(down_file_positions_map_into_the_down_file) {
  auto m = migration_of(file);
  const std::string down = "-- ü\nDROP TABLE t;\nDROP TABLE nope;\n";
  m.down = MigrationScript{"0004_t.down.sql", down, false};
  const auto sent = batch_of({&m}, false, "dbinit_schema_history", Direction::down);
  const std::size_t before = sent.message.files[0].statements_before_file;
  check_at(locate_in_batch(sent.message, sent.files, server_position(sent.message, "nope"), before + 1), 0, 3, 12);
  check_at(locate_in_batch(sent.message, sent.files, std::nullopt, before + 1), 0, 3, 1);
}

BOOST_AUTO_TEST_CASE(statement_sent_alone_maps_its_position_into_the_file) {
  const std::string sql = "SELECT 1;\n  SELECT 'é', nope;\nINSERT INTO t\n  VALUES ('ü', bad);\n";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 3u);
  const auto second = locate_in_statement(sql, statements[1].offset, statements[1].text, 13);  // "SELECT 'é', " is 12 characters
  BOOST_TEST(second.line == 2);
  BOOST_TEST(second.column == 15);
  const auto third = locate_in_statement(sql, statements[2].offset, statements[2].text, 30);  // "INSERT INTO t\n  VALUES ('ü', " is 29
  BOOST_TEST(third.line == 4);
  BOOST_TEST(third.column == 16);
}

BOOST_AUTO_TEST_CASE(statement_sent_alone_without_position_is_its_start) {
  const std::string sql = "SELECT 1;\n\n  /* why */ SELECT 'é', nope;\n";
  const auto statements = split_statements(sql);
  BOOST_TEST_REQUIRE(statements.size() == 2u);
  for (const std::optional<int> position : {std::optional<int>{}, std::optional<int>{0}}) {
    const auto at = locate_in_statement(sql, statements[1].offset, statements[1].text, position);
    BOOST_TEST(at.line == 3);
    BOOST_TEST(at.column == 13);
  }
}
