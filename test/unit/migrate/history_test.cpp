#define BOOST_TEST_MODULE history
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "migrate/history.hpp"
#include "migrate/messages.hpp"

using namespace dbinit;

namespace {

HistoryTable table_ok(std::string_view name) {
  auto table = parse_history_table(name);
  BOOST_TEST_REQUIRE(table.has_value(), "'" << name << "' was refused");
  return *table;
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
  BOOST_TEST(table.name == "myschema.schema_history$1");
}

BOOST_AUTO_TEST_CASE(leading_underscore_and_63_characters_are_accepted) {
  BOOST_TEST(table_ok("_history").table == "_history");
  BOOST_TEST(table_ok(std::string(63, 'h')).table == std::string(63, 'h'));
}

BOOST_AUTO_TEST_CASE(invalid_names_are_refused) {
  for (const std::string& name : std::vector<std::string>{"1abc", "a.b.c", "a-b", "", "\"quoted\"", "a'b", "$abc", "a b", ".history", "history.",
                                 "schema.1table", "a;DROP TABLE x", std::string(64, 'h'), std::string(64, 's') + ".history"})
    BOOST_TEST(!parse_history_table(name).has_value(), "'" << name << "' was accepted");
}

BOOST_AUTO_TEST_CASE(the_default_table_is_dbinit_schema_history) {
  BOOST_TEST(default_history_table().qualified == "\"dbinit_schema_history\"");
}

BOOST_AUTO_TEST_CASE(quote_literal_doubles_quotes) {
  BOOST_TEST(quote_literal("") == "''");
  BOOST_TEST(quote_literal("plain") == "'plain'");
  BOOST_TEST(quote_literal("it's") == "'it''s'");
  BOOST_TEST(quote_literal("''") == "''''''");
  BOOST_TEST(quote_literal("é") == "'é'");
}

BOOST_AUTO_TEST_CASE(history_sql_names_the_table) {
  const auto table = table_ok("app.history");
  BOOST_TEST(repair_sql(table, 9) == "DELETE FROM \"app\".\"history\" WHERE version = 9 AND state = 'dirty'");
  const auto read = read_history_sql(table);
  BOOST_TEST(read.ends_with(";\nSELECT version, name, checksum, state, applied_at::text, duration_ms, applied_by "
                            "FROM \"app\".\"history\" ORDER BY version"),
             read);
  BOOST_TEST(read.starts_with("SELECT CASE WHEN pg_catalog.to_regclass('alembic_version') IS NOT NULL"), read);
}
