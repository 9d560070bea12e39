#define BOOST_TEST_MODULE history
#include <boost/test/unit_test.hpp>

#include <string>

#include "checksum.hpp"
#include "history.hpp"
#include "sql_split.hpp"
#include "text.hpp"

using dbinit::test::contains;

using namespace dbinit;

namespace {

HistoryTable table_ok(std::string_view name) {
  std::string error;
  auto table = parse_history_table(name, error);
  BOOST_TEST_REQUIRE(table.has_value(), error);
  BOOST_TEST(error.empty());
  return *table;
}

std::string table_error(std::string_view name) {
  std::string error;
  const auto table = parse_history_table(name, error);
  BOOST_TEST(!table.has_value(), "'" << name << "' was accepted");
  return error;
}

Migration migration(long long version, std::string name, std::string up_sql, std::string down_sql = "") {
  Migration m;
  m.version = version;
  m.name = std::move(name);
  m.checksum = migration_checksum(up_sql);
  m.up = {std::to_string(version) + "_" + m.name + ".up.sql", std::move(up_sql), false};
  if (!down_sql.empty()) m.down = MigrationScript{std::to_string(version) + "_" + m.name + ".down.sql", std::move(down_sql), false};
  return m;
}

// The file starts at file_character_offset characters into the message.
std::string_view text_at_character(const std::string& sql, std::size_t character) {
  return std::string_view(sql).substr(byte_offset_of_character(sql, character));
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_table_name) {
  const auto table = table_ok("dbinit_schema_history");
  BOOST_TEST(!table.schema.has_value());
  BOOST_TEST(table.table == "dbinit_schema_history");
  BOOST_TEST(table.qualified == "\"dbinit_schema_history\"");
}

BOOST_AUTO_TEST_CASE(schema_qualified_name) {
  const auto table = table_ok("app.history");
  BOOST_TEST_REQUIRE(table.schema.has_value());
  BOOST_TEST(*table.schema == "app");
  BOOST_TEST(table.table == "history");
  BOOST_TEST(table.qualified == "\"app\".\"history\"");
}

BOOST_AUTO_TEST_CASE(upper_case_is_folded_like_postgresql_does) {
  const auto table = table_ok("MySchema.Schema_History$1");
  BOOST_TEST(*table.schema == "myschema");
  BOOST_TEST(table.table == "schema_history$1");
  BOOST_TEST(table.qualified == "\"myschema\".\"schema_history$1\"");
  BOOST_TEST(table.lock_key == table_ok("myschema.schema_history$1").lock_key);
}

BOOST_AUTO_TEST_CASE(leading_underscore_and_63_characters_are_accepted) {
  BOOST_TEST(table_ok("_history").table == "_history");
  BOOST_TEST(table_ok(std::string(63, 'h')).table == std::string(63, 'h'));
}

BOOST_AUTO_TEST_CASE(invalid_names_are_rejected_with_a_message) {
  const auto error = table_error("1abc");
  BOOST_TEST(contains(error, "invalid history table name '1abc'"), error);
  BOOST_TEST(contains(error, "expected table or schema.table"), error);
  for (const std::string name : {"a.b.c", "a-b", "", "\"quoted\"", "a'b", "$abc", "a b", ".history", "history.",
                                 "schema.1table", "a;DROP TABLE x"}) {
    BOOST_TEST_CONTEXT("name: " << name) {
      const auto message = table_error(name);
      BOOST_TEST(contains(message, "'" + name + "'"), message);
    }
  }
  table_error(std::string(64, 'h'));
  table_error(std::string(64, 's') + ".history");
}

BOOST_AUTO_TEST_CASE(lock_key_of_the_default_table_is_the_documented_one) {
  BOOST_TEST(table_ok("dbinit_schema_history").lock_key == 2281398760111336587LL);
}

BOOST_AUTO_TEST_CASE(lock_key_is_stable_and_differs_between_names) {
  BOOST_TEST(table_ok("migrations").lock_key == table_ok("migrations").lock_key);
  BOOST_TEST(table_ok("MIGRATIONS").lock_key == table_ok("migrations").lock_key);
  BOOST_TEST(table_ok("migrations").lock_key != table_ok("dbinit_schema_history").lock_key);
  // The name as given: a schema-qualified name is a different lock.
  BOOST_TEST(table_ok("public.dbinit_schema_history").lock_key != table_ok("dbinit_schema_history").lock_key);
  // The first 8 bytes of SHA-256 read as a signed bigint, which may be negative.
  BOOST_TEST(table_ok("public.dbinit_schema_history").lock_key == -6797266878039275106LL);
}

BOOST_AUTO_TEST_CASE(lock_holder_query_splits_the_key_like_pg_locks_does) {
  const auto positive = lock_holder_sql(table_ok("dbinit_schema_history"));
  BOOST_TEST(contains(positive, "l.classid = 531179541 AND l.objid = 3212045451 AND l.objsubid = 1"), positive);
  const auto negative = lock_holder_sql(table_ok("public.dbinit_schema_history"));
  BOOST_TEST(contains(negative, "l.classid = 2712355273 AND l.objid = 3002124702"), negative);
}

BOOST_AUTO_TEST_CASE(session_lock_queries_use_the_key) {
  const auto table = table_ok("dbinit_schema_history");
  BOOST_TEST(try_session_lock_sql(table) == "SELECT pg_catalog.pg_try_advisory_lock(2281398760111336587)");
  BOOST_TEST(release_session_lock_sql(table) == "SELECT pg_catalog.pg_advisory_unlock(2281398760111336587)");
}

BOOST_AUTO_TEST_CASE(quote_literal_doubles_quotes) {
  BOOST_TEST(quote_literal("") == "''");
  BOOST_TEST(quote_literal("plain") == "'plain'");
  BOOST_TEST(quote_literal("it's") == "'it''s'");
  BOOST_TEST(quote_literal("''") == "''''''");
  BOOST_TEST(quote_literal("é") == "'é'");
}

BOOST_AUTO_TEST_CASE(apply_up_message_holds_lock_guard_version_guard_file_and_record) {
  const auto table = table_ok("dbinit_schema_history");
  const auto m = migration(7, "add_users", "CREATE TABLE users (id int);\n");
  const auto message = apply_up_message(table, m, false, "host-1 o'clock");
  BOOST_TEST(contains(message.sql, "pg_catalog.pg_try_advisory_xact_lock(2281398760111336587)"), message.sql);
  BOOST_TEST(contains(message.sql, "ERRCODE = 'DBI01'"), message.sql);
  BOOST_TEST(contains(message.sql, "IF EXISTS (SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 7)"), message.sql);
  BOOST_TEST(contains(message.sql, "ERRCODE = 'DBI02'"), message.sql);
  BOOST_TEST(contains(message.sql, m.up.sql), message.sql);
  BOOST_TEST(!contains(message.sql, "CREATE TABLE IF NOT EXISTS"), message.sql);
  BOOST_TEST(contains(message.sql, "INSERT INTO \"dbinit_schema_history\""), message.sql);
  BOOST_TEST(contains(message.sql, "VALUES (7, 'add_users', '" + m.checksum + "', 'applied'"), message.sql);
  BOOST_TEST(contains(message.sql, "'host-1 o''clock');"), message.sql);
  // Lock first, then the version check, then the file, then the record.
  BOOST_TEST(message.sql.find("advisory_xact_lock") < message.sql.find("DBI02"));
  BOOST_TEST(message.sql.find("DBI02") < message.sql.find(m.up.sql));
  BOOST_TEST(message.sql.find(m.up.sql) < message.sql.find("INSERT INTO"));
}

BOOST_AUTO_TEST_CASE(file_character_offset_is_where_the_file_starts) {
  const std::string file = "-- é, 日本\nCREATE TABLE t (x text DEFAULT 'ü');\nSELECT 1;\n";
  const auto m = migration(3, "t", file);
  for (const auto& name : {"dbinit_schema_history", "app.history"}) {
    for (const bool create : {false, true}) {
      BOOST_TEST_CONTEXT("table " << name << ", create " << create) {
        const auto message = apply_up_message(table_ok(name), m, create, "me");
        BOOST_TEST(text_at_character(message.sql, message.file_character_offset).starts_with(file));
      }
    }
  }
  const auto down = migration(3, "t", file, "DROP TABLE t; -- ß\n");
  const auto message = apply_down_message(table_ok("dbinit_schema_history"), down);
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
  for (const auto& c : {Case{"dbinit_schema_history", false, 1}, Case{"dbinit_schema_history", true, 2},
                        Case{"app.history", false, 1}, Case{"app.history", true, 3}}) {
    BOOST_TEST_CONTEXT("table " << c.table << ", create " << c.create) {
      const auto message = apply_up_message(table_ok(c.table), m, c.create, "me");
      BOOST_TEST(message.statements_before_file == c.expected);
      const auto statements = split_statements(message.sql);
      BOOST_TEST_REQUIRE(statements.size() == c.expected + 3);  // file's two, then the record
      BOOST_TEST(statements[c.expected].text.starts_with("CREATE TABLE t"));
      BOOST_TEST(statements[c.expected + 1].text.starts_with("INSERT INTO t"));
      BOOST_TEST(statements.back().text.starts_with("INSERT INTO \""));
    }
  }
}

BOOST_AUTO_TEST_CASE(create_table_adds_the_schema_when_qualified) {
  const auto plain = apply_up_message(table_ok("dbinit_schema_history"), migration(1, "a", "SELECT 1"), true, "me");
  BOOST_TEST(contains(plain.sql, "CREATE TABLE IF NOT EXISTS \"dbinit_schema_history\""), plain.sql);
  BOOST_TEST(!contains(plain.sql, "CREATE SCHEMA"), plain.sql);
  const auto qualified = apply_up_message(table_ok("App.History"), migration(1, "a", "SELECT 1"), true, "me");
  BOOST_TEST(contains(qualified.sql, "CREATE SCHEMA IF NOT EXISTS \"app\";"), qualified.sql);
  BOOST_TEST(contains(qualified.sql, "CREATE TABLE IF NOT EXISTS \"app\".\"history\""), qualified.sql);
}

BOOST_AUTO_TEST_CASE(file_ending_in_a_line_comment_still_ends_before_the_record) {
  const auto m = migration(2, "b", "CREATE TABLE b (x int) -- no semicolon, then the end");
  const auto message = apply_up_message(table_ok("dbinit_schema_history"), m, false, "me");
  const auto statements = split_statements(message.sql);
  BOOST_TEST_REQUIRE(statements.size() == 3u);
  BOOST_TEST(statements[1].text.starts_with("CREATE TABLE b"));
  BOOST_TEST(statements[2].text.starts_with("INSERT INTO \"dbinit_schema_history\""));
}

BOOST_AUTO_TEST_CASE(apply_down_message_checks_presence_and_deletes_the_row) {
  const auto m = migration(5, "e", "CREATE TABLE e (x int);", "DROP TABLE e;");
  const auto message = apply_down_message(table_ok("dbinit_schema_history"), m);
  BOOST_TEST(message.statements_before_file == 1u);
  BOOST_TEST(contains(message.sql, "pg_try_advisory_xact_lock(2281398760111336587)"), message.sql);
  BOOST_TEST(contains(message.sql, "IF NOT EXISTS (SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 5)"),
             message.sql);
  BOOST_TEST(contains(message.sql, "DROP TABLE e;"), message.sql);
  BOOST_TEST(!contains(message.sql, "CREATE TABLE e"), message.sql);
  BOOST_TEST(contains(message.sql, "DELETE FROM \"dbinit_schema_history\" WHERE version = 5;"), message.sql);
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
  BOOST_TEST(repair_sql(table, 9) == "DELETE FROM \"app\".\"history\" WHERE version = 9 AND state = 'dirty'");
  BOOST_TEST(read_history_sql(table) ==
             "SELECT version, name, checksum, state, applied_at::text FROM \"app\".\"history\" ORDER BY version");
}
