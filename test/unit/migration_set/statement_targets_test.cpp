#define BOOST_TEST_MODULE statement_targets
#include <boost/test/unit_test.hpp>

#include <string>

#include "migration_set/statement_targets.hpp"

using namespace dbinit;

namespace {

std::string relation_of(std::string_view statement) {
  const auto build = index_build(statement);
  BOOST_TEST_REQUIRE(build.has_value(), statement);
  return build->relation;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_index_names_its_table_in_every_form) {
  BOOST_TEST(relation_of("CREATE INDEX ON items (a)") == "items");
  BOOST_TEST(relation_of("create unique index concurrently if not exists t_a on t (a)") == "t");
  BOOST_TEST(relation_of("CREATE INDEX CONCURRENTLY ix ON ONLY app.Items USING btree (a)") == "app.items");
  BOOST_TEST(relation_of("/* why */ CREATE -- note\n INDEX ix ON \"My Schema\".\"Items\"(a)") == "\"My Schema\".\"Items\"");
  BOOST_TEST(relation_of("CREATE INDEX \"on\" ON t (a)") == "t");
}

BOOST_AUTO_TEST_CASE(reindex_names_its_index_or_table_or_everything) {
  BOOST_TEST(relation_of("REINDEX INDEX CONCURRENTLY ix_items_name") == "ix_items_name");
  BOOST_TEST(relation_of("REINDEX (VERBOSE, TABLESPACE x) TABLE public.items") == "public.items");
  BOOST_TEST(relation_of("REINDEX DATABASE app").empty());
  BOOST_TEST(relation_of("reindex schema concurrently public").empty());
}

BOOST_AUTO_TEST_CASE(other_statements_build_no_index) {
  for (const char* statement :
       {"CREATE TABLE index (a int)", "CREATE STATISTICS s ON a, b FROM t", "DROP INDEX CONCURRENTLY ix",
        "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)", "SELECT 'CREATE INDEX ON t (a)'", "-- CREATE INDEX ON t (a)\nSELECT 1",
        "", "CREATE INDEX"}) {
    BOOST_TEST(!index_build(statement).has_value(), statement);
  }
}

BOOST_AUTO_TEST_CASE(create_table_names_its_table) {
  BOOST_TEST(created_table("CREATE TABLE conversations (id int)").value_or("") == "conversations");
  BOOST_TEST(created_table("create table if not exists App.Messages(id int)").value_or("") == "app.messages");
  BOOST_TEST(created_table("-- why\nCREATE UNLOGGED TABLE \"Odd Name\" (a text)").value_or("") == "\"Odd Name\"");
  for (const char* statement : {"CREATE TABLE t AS SELECT 1", "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)",
                                "CREATE TEMP TABLE t (a int)", "CREATE INDEX ON t (a)", "ALTER TABLE t ADD b int", ""})
    BOOST_TEST(!created_table(statement).has_value(), statement);
}
