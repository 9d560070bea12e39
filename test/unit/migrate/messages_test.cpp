#define BOOST_TEST_MODULE messages
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/lock.hpp"
#include "migrate/messages.hpp"
#include "migration_set/sql_split.hpp"
#include "migration_builder.hpp"
#include "text.hpp"

using dbinit::test::contains;
using dbinit::test::migration;
using namespace dbinit;
using namespace std::chrono_literals;

namespace {

MessageContext context(std::string_view table = "dbinit_schema_history", Milliseconds table_lock_timeout = 2s) {
  const auto history = *parse_history_table(table);
  return {.table = history,
          .lock_key = lock_key(history),
          .applied_by_sql = quote_literal("host-1 o'clock"),
          .table_lock_timeout = table_lock_timeout,
          .printed = false};
}

Batch batch_of(const std::vector<const Migration*>& migrations, BatchKind kind = BatchKind::own_transactions,
               Direction direction = Direction::up) {
  Batch batch;
  batch.kind = kind;
  for (const auto* m : migrations) batch.steps.push_back({m, direction});
  return batch;
}

std::vector<std::string> statements_of(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& statement : split_statements(sql)) out.emplace_back(statement.text);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// dbinit's own statements and the files' must add up to every statement
// of the message, in order: the counts that locate an error are right.
void check_counts(const BatchMessage& message, const std::vector<std::string_view>& files) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < files.size(); ++i)
    total += message.files[i].statements_before_file + split_statements(files[i]).size() +
             message.files[i].statements_after_file;
  BOOST_TEST(total == split_statements(message.sql).size(), message.sql);
}

}  // namespace

// On an existing history table the record opens the step, after the
// transaction's settings: the lock and the version guard are the record's
// own constraints.
// The channel is one per history table and a valid identifier whatever
// the table's name is: "dbinit_" and the lock key in hex.
BOOST_AUTO_TEST_CASE(the_notify_channel_is_short_and_one_per_history_table) {
  BOOST_TEST(notify_channel(default_history_table()) == "dbinit_1fa92815bf73ec8b");
  BOOST_TEST(notify_channel(*parse_history_table("ops.history")) != notify_channel(default_history_table()));
  BOOST_TEST(listen_sql(default_history_table()) == "LISTEN dbinit_1fa92815bf73ec8b");
}

BOOST_AUTO_TEST_CASE(a_step_going_up_opens_with_the_record_that_locks_and_guards_then_file_then_duration) {
  const auto m = migration(7, "add_users", "CREATE TABLE users (id int);\n");
  const auto message = batch_message(context(), batch_of({&m}), false);
  BOOST_TEST(message.sql ==
             "BEGIN;\nSET LOCAL lock_timeout = 2000;\nINSERT INTO \"dbinit_schema_history\" "
             "(version, name, checksum, state, applied_by, applied_at) VALUES (7, 'add_users', '" + m.checksum +
             "', CASE WHEN pg_catalog.pg_try_advisory_xact_lock(2281398760111336587) THEN 'applied' END, "
             "'host-1 o''clock', pg_catalog.clock_timestamp());\nCREATE TABLE users (id int);\n\n;\n"
             "UPDATE \"dbinit_schema_history\" AS recorded SET duration_ms = (extract(epoch FROM "
             "coalesce(successor.started, pg_catalog.clock_timestamp()) - recorded.applied_at) * 1000)::integer "
             "FROM (SELECT version, lead(applied_at) OVER (ORDER BY applied_at, version) AS started FROM "
             "\"dbinit_schema_history\" WHERE version IN (7)) AS successor WHERE recorded.version = successor.version "
             "RETURNING recorded.version AS dbinit_version, recorded.duration_ms AS dbinit_duration_ms;\n"
             "SELECT pg_catalog.pg_notify('dbinit_1fa92815bf73ec8b', '7');\nCOMMIT;\n",
             message.sql);
  BOOST_TEST(!contains(message.sql, "DO $dbinit$"), message.sql);
  check_counts(message, {m.up.sql});
}

// The first step on a fresh database takes the lock before creating the
// history table, in a DO block, then opens with its record like the others:
// no to_regclass, whose answer may come from a stale catalog cache.
BOOST_AUTO_TEST_CASE(on_a_fresh_database_the_first_step_locks_then_creates_the_table_then_records) {
  const auto m = migration(7, "add_users", "CREATE TABLE users (id int);\n");
  const auto message = batch_message(context("ops.history"), batch_of({&m}), true);
  const auto statements = statements_of(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 10u, message.sql);
  BOOST_TEST(statements[0] == "BEGIN");
  BOOST_TEST(statements[1] == "SET LOCAL lock_timeout = 2000");
  BOOST_TEST(statements[2].starts_with("DO $dbinit$ BEGIN IF NOT pg_catalog.pg_try_advisory_xact_lock("));
  BOOST_TEST(contains(statements[2], "ERRCODE = 'DBI01'"));
  BOOST_TEST(statements[3] == "CREATE SCHEMA IF NOT EXISTS \"ops\"");
  BOOST_TEST(statements[4].starts_with("CREATE TABLE IF NOT EXISTS \"ops\".\"history\" (version bigint PRIMARY KEY"));
  BOOST_TEST(statements[5].starts_with("INSERT INTO \"ops\".\"history\""));
  BOOST_TEST(statements[6] == "CREATE TABLE users (id int)");
  BOOST_TEST(statements[7].starts_with("UPDATE \"ops\".\"history\" AS recorded SET duration_ms"));
  BOOST_TEST(statements[8] == "SELECT pg_catalog.pg_notify('" + notify_channel(context("ops.history").table) + "', '7')");
  BOOST_TEST(statements[9] == "COMMIT");
  BOOST_TEST(!contains(message.sql, "to_regclass"), message.sql);
  check_counts(message, {m.up.sql});
}

// Each setting is written once, as SET LOCAL: the limit on table lock waits
// (none when zero), and synchronous_commit off for every transaction of a
// batch but the last, whose durable commit flushes the others.
BOOST_AUTO_TEST_CASE(a_batch_gives_each_step_its_own_transaction_and_one_durable_commit) {
  const auto one = migration(1, "one", "CREATE TABLE one (x int);");
  const auto two = migration(2, "two", "CREATE TABLE two (x int); -- no newline at the end");
  const auto three = migration(3, "three", "CREATE TABLE three (x int);\nINSERT INTO three VALUES (1);\n");
  const auto message = batch_message(context(), batch_of({&one, &two, &three}), true);
  BOOST_TEST(count_of(message.sql, "BEGIN;\n") == 3u);
  BOOST_TEST(count_of(message.sql, "COMMIT;\n") == 3u);
  BOOST_TEST(count_of(message.sql, "SET LOCAL synchronous_commit = off;\n") == 2u);
  BOOST_TEST(count_of(message.sql, "SET LOCAL lock_timeout = 2000;\n") == 3u);
  BOOST_TEST(count_of(message.sql, "CREATE TABLE IF NOT EXISTS") == 1u);
  // Every duration is written once, in the last transaction.
  BOOST_TEST(count_of(message.sql, "SET duration_ms") == 1u);
  BOOST_TEST(contains(message.sql, "WHERE version IN (1, 2, 3)"), message.sql);
  BOOST_TEST(message.sql.rfind("synchronous_commit") < message.sql.find("INSERT INTO \"dbinit_schema_history\" "
                                                                        "(version, name, checksum, state, applied_by, "
                                                                        "applied_at) VALUES (3"));
  check_counts(message, {one.up.sql, two.up.sql, three.up.sql});
  // Without a table lock limit, no lock_timeout is set.
  const auto unlimited = batch_message(context("dbinit_schema_history", 0s), batch_of({&one}), false);
  BOOST_TEST(!contains(unlimited.sql, "lock_timeout"), unlimited.sql);
}

// Adopting: one transaction for every step, durable, all or nothing.
BOOST_AUTO_TEST_CASE(an_adoption_batch_is_one_transaction) {
  const auto one = migration(1, "one", "CREATE TABLE one (x int);");
  const auto two = migration(2, "two", "ALTER TABLE one ADD COLUMN y int;");
  const auto message = batch_message(context(), batch_of({&one, &two}, BatchKind::one_transaction), true);
  BOOST_TEST(count_of(message.sql, "BEGIN;\n") == 1u);
  BOOST_TEST(count_of(message.sql, "COMMIT;\n") == 1u);
  BOOST_TEST(!contains(message.sql, "synchronous_commit"), message.sql);
  BOOST_TEST(count_of(message.sql, "pg_try_advisory_xact_lock") == 3u);  // the block, then each record
  BOOST_TEST(message.files[1].statements_before_file == 1u);              // its record
  check_counts(message, {one.up.sql, two.up.sql});
}

BOOST_AUTO_TEST_CASE(file_character_offset_is_where_the_file_starts) {
  const std::string file = "-- é, 日本\nCREATE TABLE t (x text DEFAULT 'ü');\nSELECT 1;\n";
  const auto first = migration(2, "é", "SELECT 'ß';");
  const auto m = migration(3, "t", file, "DROP TABLE t; -- ß\n");
  for (const auto& name : {"dbinit_schema_history", "app.history"}) {
    for (const bool create : {false, true}) {
      BOOST_TEST_CONTEXT("table " << name << ", create " << create) {
        const auto message = batch_message(context(name), batch_of({&first, &m}), create);
        const auto at = byte_offset_of_character(message.sql, message.files[1].character_offset);
        BOOST_TEST(std::string_view(message.sql).substr(at).starts_with(file));
      }
    }
  }
  const auto down = batch_message(context(), batch_of({&m}, BatchKind::own_transactions, Direction::down), false);
  const auto at = byte_offset_of_character(down.sql, down.files[0].character_offset);
  BOOST_TEST(std::string_view(down.sql).substr(at).starts_with(m.down->sql));
}

// Going down: the lock, then the version must still be recorded (DBI02),
// then the file, then the row deleted, returning how long it took.
BOOST_AUTO_TEST_CASE(a_step_going_down_checks_the_version_under_the_lock_and_deletes_its_row) {
  const auto m = migration(3, "t", "CREATE TABLE t (x int);", "DROP TABLE t;");
  const auto message = batch_message(context(), batch_of({&m}, BatchKind::own_transactions, Direction::down), false);
  const auto statements = statements_of(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 6u, message.sql);
  BOOST_TEST(statements[2].starts_with("DO $dbinit$ BEGIN IF NOT pg_catalog.pg_try_advisory_xact_lock("));
  BOOST_TEST(contains(statements[2], "set_config('dbinit.started', pg_catalog.clock_timestamp()::text, true)"));
  BOOST_TEST(contains(statements[2], "IF NOT EXISTS (SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 3) THEN"));
  BOOST_TEST(statements[2].find("DBI01") < statements[2].find("DBI02"));
  BOOST_TEST(statements[3] == "DROP TABLE t");
  BOOST_TEST(statements[4].starts_with("DELETE FROM \"dbinit_schema_history\" WHERE version = 3 RETURNING version AS "
                                       "dbinit_version, "));
  BOOST_TEST(!contains(message.sql, "SET duration_ms"), message.sql);
  check_counts(message, {m.down->sql});
}

// After a batch stopped at a failing step: its block closed, and the
// asynchronous commits before it made durable by a write.
BOOST_AUTO_TEST_CASE(ending_a_stopped_batch_makes_earlier_commits_durable) {
  const auto table = *parse_history_table("dbinit_schema_history");
  BOOST_TEST(end_batch_sql(table, false, {}) == "ROLLBACK;\n");
  const auto durations = end_batch_sql(table, true, {4, 5});
  BOOST_TEST(durations.starts_with("ROLLBACK;\nUPDATE \"dbinit_schema_history\" AS recorded SET duration_ms"), durations);
  // The last one's end is not known: no clock_timestamp() for it.
  BOOST_TEST(contains(durations, "(extract(epoch FROM successor.started - recorded.applied_at)"), durations);
  BOOST_TEST(contains(durations, "WHERE version IN (4, 5)"), durations);
  const auto down_only = end_batch_sql(table, true, {});
  BOOST_TEST(down_only == "ROLLBACK;\nUPDATE \"dbinit_schema_history\" SET state = state WHERE version = "
                          "(SELECT max(version) FROM \"dbinit_schema_history\");\n");
}

// A no-transaction migration: a session lock, a check, a dirty mark, each
// statement alone with the lock limit set only when it changes (a
// CONCURRENTLY statement waits as long as it needs), then the mark applied.
BOOST_AUTO_TEST_CASE(a_no_transaction_migration_is_its_statements_alone_between_a_dirty_mark_and_applied) {
  const auto m = migration(4, "index_items",
                           "CREATE INDEX CONCURRENTLY ix_a ON items (a);\nCREATE INDEX CONCURRENTLY ix_b ON items (b);\n"
                           "ANALYZE items;\nUPDATE items SET a = 1 WHERE false;\n");
  using Kind = NoTransactionMessage::Kind;
  const auto messages = no_transaction_messages(context(), m, false);
  std::vector<Kind> kinds;
  for (const auto& message : messages) kinds.push_back(message.kind);
  const std::vector<Kind> expected{Kind::take_lock, Kind::check_recorded, Kind::mark_dirty, Kind::set_lock_timeout,
                                   Kind::statement, Kind::check_invalid_indexes, Kind::statement,
                                   Kind::check_invalid_indexes, Kind::set_lock_timeout, Kind::statement,
                                   Kind::statement, Kind::reset_lock_timeout, Kind::mark_applied, Kind::release_lock};
  BOOST_TEST_REQUIRE((kinds == expected));
  BOOST_TEST(messages[0].sql == "SELECT pg_catalog.pg_try_advisory_lock(2281398760111336587) AS dbinit_locked");
  BOOST_TEST(messages[0].what == "4_index_items.up.sql without a transaction: take the session lock");
  BOOST_TEST(messages[1].sql == "SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 4");
  BOOST_TEST(messages[2].sql == "INSERT INTO \"dbinit_schema_history\" (version, name, checksum, state, applied_by) "
                                "VALUES (4, 'index_items', '" + m.checksum + "', 'dirty', 'host-1 o''clock')");
  BOOST_TEST(messages[3].sql == "SET lock_timeout = 0");
  BOOST_TEST(!messages[4].gives_way);
  BOOST_TEST(messages[5].sql == invalid_indexes_sql(m));
  BOOST_TEST(messages[6].sql == "CREATE INDEX CONCURRENTLY ix_b ON items (b)");
  BOOST_TEST(messages[6].what == "statement 2 of 4_index_items.up.sql");
  BOOST_TEST(messages[6].offset == 45u);
  BOOST_TEST(messages[8].sql == "SET lock_timeout = 2000");
  BOOST_TEST(messages[9].gives_way);
  BOOST_TEST(messages[9].sql == "ANALYZE items");
  BOOST_TEST(messages[11].sql == "RESET lock_timeout");
  BOOST_TEST(messages[12].sql.empty());  // the run writes it, with the duration
  BOOST_TEST(messages[13].sql == "SELECT pg_catalog.pg_advisory_unlock(2281398760111336587)");
  BOOST_TEST(mark_applied_sql(context().table, m, 12ms) ==
             "UPDATE \"dbinit_schema_history\" SET state = 'applied', applied_at = now(), duration_ms = 12 WHERE version = 4;\n"
             "SELECT pg_catalog.pg_notify('dbinit_1fa92815bf73ec8b', '4')");
  // What dbinit sql prints for the duration only the run knows.
  BOOST_TEST(contains(mark_applied_sql(context().table, m, std::nullopt), "duration_ms = :duration_ms WHERE"));
  const auto creating = no_transaction_messages(context("ops.h"), m, true);
  BOOST_TEST_REQUIRE((creating[1].kind == Kind::create_table));
  BOOST_TEST(statements_of(creating[1].sql).size() == 2u);
}

BOOST_AUTO_TEST_CASE(lock_holder_query_splits_the_key_like_pg_locks_does) {
  const auto positive = lock_holder_sql(lock_key(*parse_history_table("dbinit_schema_history")));
  BOOST_TEST(contains(positive, "l.classid = 531179541 AND l.objid = 3212045451 AND l.objsubid = 1"), positive);
  const auto negative = lock_holder_sql(lock_key(*parse_history_table("public.dbinit_schema_history")));
  BOOST_TEST(contains(negative, "l.classid = 2712355273 AND l.objid = 3002124702"), negative);
}

// A baseline: one transaction of history rows marked as baselined, the
// files not sent, after a check that one of their tables exists.
BOOST_AUTO_TEST_CASE(a_baseline_records_rows_without_the_files_after_checking_the_database) {
  const auto one = migration(1, "one", "CREATE TABLE IF NOT EXISTS conversations (id int);\nCREATE INDEX ON conversations (id);");
  const auto two = migration(2, "two", "CREATE TABLE messages (id int);");
  const auto message = batch_message(context(), batch_of({&one, &two}, BatchKind::baseline), true);
  const auto statements = statements_of(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 9u, message.sql);
  BOOST_TEST(statements[0] == "BEGIN");
  BOOST_TEST(statements[2].starts_with("DO $dbinit$ BEGIN IF NOT pg_catalog.pg_try_advisory_xact_lock("));
  BOOST_TEST(statements[3].starts_with("CREATE TABLE IF NOT EXISTS \"dbinit_schema_history\""));
  BOOST_TEST(statements[4] == "DO $dbinit$ BEGIN IF NOT (pg_catalog.to_regclass('conversations') IS NOT NULL OR "
                              "pg_catalog.to_regclass('messages') IS NOT NULL) THEN RAISE EXCEPTION USING ERRCODE = "
                              "'DBI03', MESSAGE = 'none of the tables that versions 1 to 2 create exists here "
                              "(conversations, messages): this is not the database they were made for'; END IF; "
                              "END $dbinit$");
  BOOST_TEST(contains(statements[5], "'baselined by ' || 'host-1 o''clock'"), statements[5]);
  BOOST_TEST(statements[7].starts_with("SELECT pg_catalog.pg_notify("));
  BOOST_TEST(statements[8] == "COMMIT");
  BOOST_TEST(!contains(message.sql, "CREATE INDEX"), message.sql);
  BOOST_TEST(!contains(message.sql, "SET duration_ms"), message.sql);
  check_counts(message, {"", ""});
}
