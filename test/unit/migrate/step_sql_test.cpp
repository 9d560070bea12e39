#define BOOST_TEST_MODULE step_sql
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/lock.hpp"
#include "migrate/sql_split.hpp"
#include "migrate/step_sql.hpp"
#include "migration_builder.hpp"
#include "text.hpp"

using dbinit::test::contains;
using dbinit::test::migration;
using namespace dbinit;

using namespace std::chrono_literals;

namespace {

HistoryTable table_ok(std::string_view name) { return *parse_history_table(name); }

// The file starts at file_character_offset characters into the message.
std::string_view text_at_character(const std::string& sql, std::size_t character) {
  return std::string_view(sql).substr(byte_offset_of_character(sql, character));
}

ApplyMessage up_message(const HistoryTable& table, const Migration& m, bool create, std::string_view applied_by) {
  return apply_up_message(table, lock_key(table), m, create, applied_by, 2s);
}

ApplyMessage down_message(const HistoryTable& table, const Migration& m) {
  return apply_down_message(table, lock_key(table), m, 2s);
}

}  // namespace

// On an existing history table the record opens the step, after the
// transaction's settings: the lock and the version guard are the record's
// own constraints (step_sql.cpp).
BOOST_AUTO_TEST_CASE(apply_up_message_opens_with_the_record_that_locks_and_guards_then_file_then_duration) {
  const auto table = table_ok("dbinit_schema_history");
  const auto m = migration(7, "add_users", "CREATE TABLE users (id int);\n");
  const auto message = up_message(table, m, false, "host-1 o'clock");
  BOOST_TEST(message.sql.starts_with("SET LOCAL lock_timeout = 2000;\nINSERT INTO \"dbinit_schema_history\" "
                                     "(version, name, checksum, state, applied_by, applied_at) VALUES (7, 'add_users', '" +
                                     m.checksum + "', CASE WHEN pg_catalog.pg_try_advisory_xact_lock(2281398760111336587) "
                                     "THEN 'applied' END, 'host-1 o''clock', pg_catalog.clock_timestamp());\n"),
             message.sql);
  BOOST_TEST(!contains(message.sql, "DO $dbinit$"), message.sql);
  BOOST_TEST(!contains(message.sql, "CREATE TABLE IF NOT EXISTS"), message.sql);
  BOOST_TEST((message.record_guard_statement == std::optional<std::size_t>(1)));
  // Its duration is written after the file, up to now.
  BOOST_TEST(message.sql.ends_with("\n;\n" + durations_sql(table, {7}, true)), message.sql);
  BOOST_TEST(message.sql.find("INSERT INTO") < message.sql.find(m.up.sql));
  BOOST_TEST(message.sql.find(m.up.sql) < message.sql.find("UPDATE"));
}

// The first step on a fresh database takes the lock before creating the
// history table, in a DO block, then opens with its record like the others:
// no to_regclass, whose answer may come from a stale catalog cache.
BOOST_AUTO_TEST_CASE(apply_up_message_creating_the_table_locks_then_creates_it_then_records_first) {
  const auto table = table_ok("dbinit_schema_history");
  const auto m = migration(7, "add_users", "CREATE TABLE users (id int);\n");
  const auto message = up_message(table, m, true, "host-1 o'clock");
  BOOST_TEST(message.sql.starts_with("DO $dbinit$ BEGIN PERFORM " + transaction_settings_sql(2s, false) +
                                     "; IF NOT pg_catalog.pg_try_advisory_xact_lock(2281398760111336587) THEN"),
             message.sql);
  BOOST_TEST(contains(message.sql, "ERRCODE = 'DBI01'"), message.sql);
  BOOST_TEST(!contains(message.sql, "DBI02"), message.sql);
  BOOST_TEST(!contains(message.sql, "to_regclass"), message.sql);
  // Lock (with the transaction's settings), history table, record, file,
  // duration: no SET LOCAL repeats what the block set.
  BOOST_TEST((message.record_guard_statement == std::optional<std::size_t>(2)));
  BOOST_TEST(!contains(message.sql, "SET LOCAL"), message.sql);
  const auto statements = split_statements(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 5u);
  BOOST_TEST(statements[1].text.starts_with("CREATE TABLE IF NOT EXISTS \"dbinit_schema_history\""));
  BOOST_TEST(statements[2].text.starts_with("INSERT INTO \"dbinit_schema_history\""));
  BOOST_TEST(contains(std::string(statements[2].text), "VALUES (7, 'add_users', '" + m.checksum + "', CASE WHEN"),
             statements[2].text);
  BOOST_TEST(statements[3].text == "CREATE TABLE users (id int)");
  BOOST_TEST(statements[4].text.starts_with("UPDATE \"dbinit_schema_history\" AS recorded SET duration_ms"));
}

// Each duration runs from the step's start to the next one's; the last
// one's to now, or, when the batch stopped after it, it stays unknown.
BOOST_AUTO_TEST_CASE(durations_run_from_each_start_to_the_next) {
  const auto table = table_ok("app.history");
  const auto sql = durations_sql(table, {3, 5, 8}, true);
  BOOST_TEST(sql == "UPDATE \"app\".\"history\" AS recorded SET duration_ms = (extract(epoch FROM "
                    "coalesce(successor.started, pg_catalog.clock_timestamp()) - recorded.applied_at) * 1000)::integer "
                    "FROM (SELECT version, lead(applied_at) OVER (ORDER BY applied_at, version) AS started FROM "
                    "\"app\".\"history\" WHERE version IN (3, 5, 8)) AS successor WHERE recorded.version = "
                    "successor.version RETURNING recorded.version, recorded.duration_ms;\n",
             sql);
  const auto unknown_end = durations_sql(table, {3}, false);
  BOOST_TEST(!contains(unknown_end, "coalesce"), unknown_end);
  BOOST_TEST(contains(unknown_end, "(extract(epoch FROM successor.started - recorded.applied_at)"), unknown_end);
}

BOOST_AUTO_TEST_CASE(file_character_offset_is_where_the_file_starts) {
  const std::string file = "-- é, 日本\nCREATE TABLE t (x text DEFAULT 'ü');\nSELECT 1;\n";
  const auto m = migration(3, "t", file);
  for (const auto& name : {"dbinit_schema_history", "app.history"}) {
    for (const bool create : {false, true}) {
      BOOST_TEST_CONTEXT("table " << name << ", create " << create) {
        const auto message = up_message(table_ok(name), m, create, "me");
        BOOST_TEST(text_at_character(message.sql, message.file_character_offset).starts_with(file));
      }
    }
  }
  const auto down = migration(3, "t", file, "DROP TABLE t; -- ß\n");
  const auto message = down_message(table_ok("dbinit_schema_history"), down);
  BOOST_TEST(text_at_character(message.sql, message.file_character_offset).starts_with(down.down->sql));
}

BOOST_AUTO_TEST_CASE(statements_before_file_counts_what_the_server_runs_first) {
  const std::string file = "/* lead */ CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n";
  const auto m = migration(3, "t", file);
  struct Case {
    const char* table;
    bool create;
    std::size_t expected;
  };
  // The setting (lock_timeout) and the record; when creating the table,
  // the lock block (which makes the setting), the table (and its schema)
  // and the record.
  for (const auto& c : {Case{"dbinit_schema_history", false, 2}, Case{"dbinit_schema_history", true, 3},
                        Case{"app.history", false, 2}, Case{"app.history", true, 4}}) {
    BOOST_TEST_CONTEXT("table " << c.table << ", create " << c.create) {
      const auto message = up_message(table_ok(c.table), m, c.create, "me");
      BOOST_TEST(message.statements_before_file == c.expected);
      const auto statements = split_statements(message.sql);
      BOOST_TEST_REQUIRE(statements.size() == c.expected + 3);  // file's two, then the record or its duration
      BOOST_TEST(statements[c.expected].text.starts_with("CREATE TABLE t"));
      BOOST_TEST(statements[c.expected + 1].text.starts_with("INSERT INTO t"));
      BOOST_TEST(statements.back().text.starts_with("UPDATE \""));
    }
  }
}

BOOST_AUTO_TEST_CASE(create_table_adds_the_schema_when_qualified) {
  const auto plain = up_message(table_ok("dbinit_schema_history"), migration(1, "a", "SELECT 1"), true, "me");
  BOOST_TEST(contains(plain.sql, "CREATE TABLE IF NOT EXISTS \"dbinit_schema_history\""), plain.sql);
  BOOST_TEST(!contains(plain.sql, "CREATE SCHEMA"), plain.sql);
  const auto qualified = up_message(table_ok("App.History"), migration(1, "a", "SELECT 1"), true, "me");
  BOOST_TEST(contains(qualified.sql, "CREATE SCHEMA IF NOT EXISTS \"app\";"), qualified.sql);
  BOOST_TEST(contains(qualified.sql, "CREATE TABLE IF NOT EXISTS \"app\".\"history\""), qualified.sql);
}

BOOST_AUTO_TEST_CASE(file_ending_in_a_line_comment_still_ends_before_the_record) {
  const auto m = migration(2, "b", "CREATE TABLE b (x int) -- no semicolon, then the end");
  const auto message = up_message(table_ok("dbinit_schema_history"), m, false, "me");
  const auto statements = split_statements(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 4u);
  BOOST_TEST(statements[2].text.starts_with("CREATE TABLE b"));
  BOOST_TEST(statements[3].text.starts_with("UPDATE \"dbinit_schema_history\""));
}

BOOST_AUTO_TEST_CASE(apply_down_message_checks_presence_and_deletes_the_row) {
  const auto m = migration(5, "e", "CREATE TABLE e (x int);", "DROP TABLE e;");
  const auto message = down_message(table_ok("dbinit_schema_history"), m);
  BOOST_TEST(message.statements_before_file == 1u);
  BOOST_TEST(contains(message.sql, "pg_try_advisory_xact_lock(2281398760111336587)"), message.sql);
  BOOST_TEST(contains(message.sql, "IF NOT EXISTS (SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 5)"),
             message.sql);
  BOOST_TEST(contains(message.sql, "DROP TABLE e;"), message.sql);
  BOOST_TEST(!contains(message.sql, "CREATE TABLE e"), message.sql);
  BOOST_TEST(contains(message.sql, "DELETE FROM \"dbinit_schema_history\" WHERE version = 5 RETURNING "), message.sql);
  const auto statements = split_statements(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 3u);
  BOOST_TEST(statements[message.statements_before_file].text == "DROP TABLE e");
}

BOOST_AUTO_TEST_CASE(bookkeeping_statements_name_the_version) {
  const auto table = table_ok("app.history");
  const auto m = migration(9, "it_s", "CREATE INDEX CONCURRENTLY i ON t (x);");
  const auto dirty = mark_dirty_sql(table, m, "pod 'a'");
  BOOST_TEST(contains(dirty, "INSERT INTO \"app\".\"history\""), dirty);
  BOOST_TEST(contains(dirty, "VALUES (9, 'it_s', '" + m.checksum + "', 'dirty', 'pod ''a''')"), dirty);
  const auto applied = mark_applied_sql(table, m, 1234);
  BOOST_TEST(contains(applied, "SET state = 'applied'"), applied);
  BOOST_TEST(contains(applied, "duration_ms = 1234"), applied);
  BOOST_TEST(contains(applied, "WHERE version = 9"), applied);
}

namespace {

std::vector<PlanStep> up_steps(const std::vector<Migration>& migrations) {
  std::vector<PlanStep> steps;
  for (const auto& m : migrations) steps.push_back({&m, Direction::up});
  return steps;
}

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_batch_gives_each_step_its_own_transaction_and_one_durable_commit) {
  const auto table = table_ok("dbinit_schema_history");
  const std::vector<Migration> migrations{migration(1, "a", "CREATE TABLE a (x int);\n"),
                                          migration(2, "b", "CREATE TABLE b (x int)"),
                                          migration(3, "c", "-- ends in a comment\nCREATE TABLE c (x int); -- c")};
  const auto batch = apply_batch_message(table, lock_key(table), up_steps(migrations), true, "me", 2s);
  BOOST_TEST(count_of(batch.sql, "BEGIN;\n") == 3u);
  BOOST_TEST(count_of(batch.sql, "\nCOMMIT;\n") == 3u);
  BOOST_TEST(count_of(batch.sql, "pg_try_advisory_xact_lock") == 4u);  // the first's DO block, then each record
  BOOST_TEST(count_of(batch.sql, "CREATE TABLE IF NOT EXISTS") == 1u);  // the history table, in the first only
  // Asynchronous commits for all but the last, which is durable (the first
  // step's lock block sets it, the second a SET LOCAL).
  BOOST_TEST(count_of(batch.sql, "SET LOCAL synchronous_commit = off;") == 1u);
  BOOST_TEST(count_of(batch.sql, "set_config('synchronous_commit', 'off', true)") == 1u);
  BOOST_TEST(batch.sql.rfind("synchronous_commit") < batch.sql.find("VALUES (2, 'b'"));
  BOOST_TEST(batch.sql.rfind("BEGIN;") > batch.sql.rfind("synchronous_commit"));
  // In order: the first creates the history table, each opens with its
  // record; each file before the next.
  BOOST_TEST(batch.sql.find("CREATE TABLE IF NOT EXISTS") < batch.sql.find("VALUES (1, 'a'"));
  BOOST_TEST(batch.sql.find("VALUES (1, 'a'") < batch.sql.find("CREATE TABLE a"));
  BOOST_TEST(batch.sql.find("CREATE TABLE a") < batch.sql.find("VALUES (2, 'b'"));
  BOOST_TEST(batch.sql.find("VALUES (2, 'b'") < batch.sql.find("CREATE TABLE b"));
  BOOST_TEST(batch.sql.find("CREATE TABLE b") < batch.sql.find("VALUES (3, 'c'"));
  BOOST_TEST(batch.sql.find("VALUES (3, 'c'") < batch.sql.find("CREATE TABLE c"));
  // Every duration once, by the last step, just before its COMMIT.
  BOOST_TEST(count_of(batch.sql, "SET duration_ms") == 1u);
  BOOST_TEST(batch.sql.ends_with(durations_sql(table, {1, 2, 3}, true) + "\nCOMMIT;\n"), batch.sql);
  BOOST_TEST(batch.durations_before_last_commit);
  // The guard statement, counted from each step's BEGIN.
  BOOST_TEST((batch.steps[0].record_guard_statement == std::optional<std::size_t>(3)));
  BOOST_TEST((batch.steps[1].record_guard_statement == std::optional<std::size_t>(3)));
  BOOST_TEST_REQUIRE(batch.steps.size() == 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(text_at_character(batch.sql, batch.steps[i].file_character_offset).starts_with(migrations[i].up.sql));
    BOOST_TEST(batch.steps[i].sql.empty());
  }
  // Counted from each step's BEGIN: the file's first statement.
  const auto statements = split_statements(batch.sql);
  std::size_t begin = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    while (statements[begin].text != "BEGIN") ++begin;
    BOOST_TEST(statements[begin + batch.steps[i].statements_before_file].text.starts_with(
                   std::string("CREATE TABLE ") + static_cast<char>('a' + i)),
               statements[begin + batch.steps[i].statements_before_file].text);
    ++begin;
  }
}

BOOST_AUTO_TEST_CASE(ending_a_stopped_batch_makes_earlier_commits_durable) {
  const auto table = table_ok("app.history");
  BOOST_TEST(end_batch_sql(table, false, {}) == "ROLLBACK;\n");
  // Steps that went up: their durations are the write.
  BOOST_TEST(end_batch_sql(table, true, {4, 5}) == "ROLLBACK;\n" + durations_sql(table, {4, 5}, false));
  // Only steps that went down: a write of its own.
  const auto ended = end_batch_sql(table, true, {});
  BOOST_TEST(ended.starts_with("ROLLBACK;"));
  BOOST_TEST(contains(ended, "UPDATE \"app\".\"history\" SET state = state WHERE version = (SELECT max(version) FROM "
                             "\"app\".\"history\")"), ended);
}
