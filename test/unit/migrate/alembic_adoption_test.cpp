#define BOOST_TEST_MODULE alembic_adoption
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "migrate/alembic_adoption.hpp"

using namespace dbinit;

namespace {

// An up file as dbinit-from-alembic writes it: the header, a blank line, the body.
MigrationFile converted(const std::string& name, const std::string& revision, const std::string& heads_after,
                        bool reads_rows = false) {
  std::string header = "-- Alembic revision " + revision + " (converted)\n";
  if (reads_rows) header += "-- Its upgrade reads rows: what it does to rows that database did not have is not in this file.\n";
  header += "-- alembic_version after this migration: " + heads_after + "\n";
  return {name, header + "\nCREATE TABLE t_" + revision + " (id int);\n"};
}

// History 1 -> a, 2 -> b (a branch), 3 -> c (another), 4 merges them -> m.
std::vector<Migration> merged_history(bool third_reads_rows = false) {
  auto set = read_migration_set({converted("0001_a.up.sql", "a", "a"), converted("0002_b.up.sql", "b", "b"),
                                 converted("0003_c.up.sql", "c", "c b", third_reads_rows),
                                 converted("0004_m.up.sql", "m", "m")});
  BOOST_REQUIRE(set.error.empty());
  return set.migrations;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_header_names_the_heads_sorted_and_the_row_reading) {
  const auto origin = alembic_origin_of(
      "-- dbinit:no-transaction\n-- Its upgrade reads rows: ...\n-- alembic_version after this migration: zz  aa\n\n"
      "SELECT 1;\n-- alembic_version after this migration: later\n");
  BOOST_REQUIRE(origin.has_value());
  BOOST_TEST((origin->heads_after == std::vector<std::string>{"aa", "zz"}));
  BOOST_TEST(origin->reads_rows);
  // Only the header counts: the same words in the body are SQL comments.
  BOOST_TEST(!alembic_origin_of("CREATE TABLE t (id int);\n\n-- alembic_version after this migration: x\n"));
  BOOST_TEST(!alembic_origin_of("CREATE TABLE t (id int);\n"));
}

BOOST_AUTO_TEST_CASE(a_set_not_converted_from_alembic_is_not_this_adoption) {
  const auto set = read_migration_set({{"0001_a.up.sql", "CREATE TABLE a (id int);\n"}});
  BOOST_TEST(!alembic_adoption(set.migrations, "ae1027a6acf").has_value());
}

BOOST_AUTO_TEST_CASE(the_database_is_adopted_at_the_migration_naming_its_alembic_version) {
  const auto migrations = merged_history();
  BOOST_TEST(*alembic_adoption(migrations, "m")->baseline == 4);  // at head: nothing to run
  BOOST_TEST(*alembic_adoption(migrations, "a")->baseline == 1);
  BOOST_TEST(*alembic_adoption(migrations, "c,b")->baseline == 3);  // two open branches, in any order
  BOOST_TEST(*alembic_adoption(migrations, "b,c")->baseline == 3);
  const auto at_base = alembic_adoption(migrations, "(empty)");
  BOOST_TEST((!at_base->baseline && !at_base->refusal));  // everything runs
}

BOOST_AUTO_TEST_CASE(an_alembic_version_no_migration_names_is_refused_as_drift) {
  const auto adoption = alembic_adoption(merged_history(), "c");
  BOOST_REQUIRE(adoption->refusal.has_value());
  BOOST_TEST((adoption->refusal_code == ExitCode::migration_drift));
  BOOST_TEST(adoption->refusal->find("alembic_version holds c") != std::string::npos, *adoption->refusal);
  BOOST_TEST(!adoption->baseline);
}

BOOST_AUTO_TEST_CASE(a_pending_capture_that_read_rows_refuses_the_adoption_naming_it) {
  const auto migrations = merged_history(true);
  const auto before = alembic_adoption(migrations, "b");
  BOOST_REQUIRE(before->refusal.has_value());
  BOOST_TEST((before->refusal_code == ExitCode::migration_failed));
  BOOST_TEST(before->refusal->find("0003_c.up.sql") != std::string::npos, *before->refusal);
  // Once past it, the capture is history: adopted.
  BOOST_TEST(*alembic_adoption(migrations, "c,b")->baseline == 3);
  BOOST_TEST(*alembic_adoption(migrations, "m")->baseline == 4);
}
