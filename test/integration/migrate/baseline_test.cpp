// A team whose production database SQLModel.metadata.create_all made adopts
// dbinit with --baseline: the versions that made those tables are recorded
// without running, the rest applied, and status shows which is which. The
// wrong database, or one dbinit already migrated, is refused before
// anything is recorded.
#define BOOST_TEST_MODULE baseline
#include <boost/test/unit_test.hpp>

#include "chatbot_schema.hpp"
#include "pg_cluster.hpp"
#include "process.hpp"
#include "text.hpp"

using namespace dbinit::test;

namespace {

PgCluster& cluster() { return shared_cluster(); }

std::string create_all_database() {
  const auto db = cluster().create_database("made_by_create_all");
  cluster().query(create_all_chatbot_sql, db);
  return db;
}

ProcessResult run_on(const std::string& db, std::vector<std::string> args) {
  return run_dbinit(std::move(args), {{"DATABASE_URL", cluster().url(db)}});
}

std::string history(const std::string& db) {
  return cluster().scalar("SELECT string_agg(version || ':' || (applied_by LIKE 'baselined by %'), ',' ORDER BY version) "
                          "FROM dbinit_schema_history", db);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_create_all_database_is_baselined_then_migrated_and_status_says_so) {
  const auto db = create_all_database();
  auto result = run_on(db, {"migrate", "--baseline", "2"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "baselined 0001_create_conversations.up.sql: recorded as applied without running it"),
             describe(result));
  BOOST_TEST(contains(result.err, "applied 0003_align_existing_tables.up.sql"), describe(result));
  BOOST_TEST(contains(result.err, "migrations applied applied=1 baselined=2 pending=0 version=3"), describe(result));
  BOOST_TEST(history(db) == "1:true,2:true,3:false");
  BOOST_TEST(cluster().scalar("SELECT user_id FROM conversations", db) == "kept");
  const auto status = run_on(db, {"status"});
  BOOST_TEST(status.exit_code == 0, describe(status));
  BOOST_TEST(contains(status.out, "baselined"), describe(status));
  // Every later start keeps the setting (an environment variable in the
  // deployment): the baseline is recorded already, nothing to do.
  result = run_dbinit({"migrate"}, {{"DATABASE_URL", cluster().url(db)}, {"DBINIT_BASELINE", "2"}});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "database is up to date"), describe(result));
}

BOOST_AUTO_TEST_CASE(the_wrong_database_is_refused_and_nothing_is_recorded) {
  const auto db = cluster().create_database("empty");
  const auto result = run_on(db, {"migrate", "--baseline", "2"});
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "baseline refused: none of the tables that versions 1 to 2 create exists here "
                                  "(conversations, messages)"), describe(result));
  BOOST_TEST(contains(result.err, "nothing was recorded"), describe(result));
  BOOST_TEST(cluster().scalar("SELECT to_regclass('dbinit_schema_history') IS NULL", db) == "t");
}

BOOST_AUTO_TEST_CASE(a_database_dbinit_migrated_or_an_unknown_version_is_refused) {
  const auto db = cluster().create_database("migrated");
  BOOST_TEST_REQUIRE(run_on(db, {"migrate", "--target", "1"}).exit_code == 0);
  auto result = run_on(db, {"migrate", "--baseline", "2"});
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "--baseline 2 refused: the history already has 1 version(s)"), describe(result));
  BOOST_TEST(history(db) == "1:false");
  result = run_on(create_all_database(), {"migrate", "--baseline", "9"});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "the migration set has no version 9"), describe(result));
  result = run_on(db, {"status", "--baseline", "2"});
  BOOST_TEST(result.exit_code == 2, describe(result));
}
