// An index build that fails or is interrupted leaves its index behind,
// invalid, and CREATE INDEX IF NOT EXISTS would skip it ever after: dbinit
// never records such a version as applied, says which index is left and
// what to do, and refuses --repair until it is dropped. Against a real
// server, for a unique violation, a stop signal during the build and a
// connection dropped during it.
#define BOOST_TEST_MODULE invalid_index
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fstream>
#include <thread>

#include "pg_cluster.hpp"
#include "process.hpp"
#include "text.hpp"

using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

PgCluster& cluster() { return shared_cluster(); }

// A migrations directory: 0001 makes the table (transactional), 0002 builds
// the index without a transaction.
struct IndexSet {
  TempDir dir{"dbinit-invalid-index"};
  std::string database = cluster().create_database();

  IndexSet(const std::string& table_sql, const std::string& index_sql) {
    std::ofstream(dir.path() + "/0001_table.up.sql") << table_sql;
    std::ofstream(dir.path() + "/0002_index.up.sql") << "-- dbinit:no-transaction\n" << index_sql;
  }

  ProcessOptions options(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"migrate", "--migrations-dir", dir.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    return dbinit_options(args, {{"DATABASE_URL", cluster().url(database) + "?application_name=index_builder"}});
  }
  ProcessResult migrate(std::vector<std::string> extra = {}) const { return run(options(std::move(extra))); }

  std::string scalar(const std::string& sql) const { return cluster().scalar(sql, database); }
  std::string states() const {
    return scalar("SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM dbinit_schema_history");
  }
  std::string index_validity(const std::string& index) const {
    return scalar("SELECT string_agg(indisvalid::text, ',') FROM pg_index WHERE indexrelid = to_regclass('" + index + "')");
  }
};

// 400 rows whose index expression sleeps 10 ms each: a build of about 4 s.
const std::string slow_table =
    "CREATE FUNCTION slow_id(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.01); "
    "RETURN x; END $$;\nCREATE TABLE s AS SELECT g AS a FROM generate_series(1, 400) AS g;\n";
const std::string slow_index = "CREATE INDEX CONCURRENTLY IF NOT EXISTS s_slow ON s (slow_id(a));\n";

// Waits until the index build is under way on the server.
void wait_for_the_build(const IndexSet& set) {
  for (auto waited = 0ms; waited < 10s; waited += 50ms) {
    if (set.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'index_builder' "
                   "AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'") == "1")
      return;
    std::this_thread::sleep_for(50ms);
  }
  BOOST_FAIL("the index build never started");
}

// What every interrupted build leaves: the version dirty, and --repair
// refused while the index is invalid, then allowed once it is dropped.
void expect_repair_waits_for_the_drop(const IndexSet& set, const std::string& index, const std::string& table) {
  BOOST_TEST(set.states() == "1:applied,2:dirty");
  BOOST_TEST(set.index_validity(index) == "false");
  auto result = set.migrate();
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "is marked dirty"), describe(result));
  result = set.migrate({"--repair", "2"});
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "index " + index + " on " + table + " is invalid: drop it with DROP INDEX "
                                  "CONCURRENTLY " + index + "; then run dbinit migrate --repair 2"),
             describe(result));
  BOOST_TEST(set.states() == "1:applied,2:dirty");
  cluster().query("DROP INDEX CONCURRENTLY " + index, set.database);
  result = set.migrate({"--repair", "2"});
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(set.states() == "1:applied,2:applied");
  BOOST_TEST(set.index_validity(index) == "true");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_unique_violation_leaves_an_invalid_index_that_is_named_and_never_passes_for_applied) {
  const IndexSet set("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n",
                     "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);\n");
  auto result = set.migrate();
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "0002_index.up.sql:2:1: could not create unique index \"t_a\""), describe(result));
  BOOST_TEST(contains(result.err, "index t_a on t is invalid: drop it with DROP INDEX CONCURRENTLY t_a; then run dbinit "
                                  "migrate --repair 2"), describe(result));
  BOOST_TEST(!contains(result.err, "rolled back"), describe(result));
  BOOST_TEST(contains(result.err, "failed=0002_index.up.sql"), describe(result));
  // The duplicate removed, --repair alone would let IF NOT EXISTS skip the
  // invalid index: refused until it is dropped. Then the uniqueness holds.
  cluster().query("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)", set.database);
  expect_repair_waits_for_the_drop(set, "t_a", "t");
  BOOST_CHECK_THROW(cluster().query("INSERT INTO t VALUES (1)", set.database), std::runtime_error);
}

// A version whose dirty mark was removed by hand: IF NOT EXISTS skips the
// invalid index and succeeds, and dbinit still does not record it applied.
BOOST_AUTO_TEST_CASE(an_if_not_exists_that_skips_an_invalid_index_is_a_failure) {
  const IndexSet set("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n",
                     "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);\n");
  BOOST_TEST_REQUIRE(set.migrate().exit_code == 4);
  cluster().query("DELETE FROM dbinit_schema_history WHERE version = 2", set.database);
  const auto result = set.migrate();
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "the statement left an invalid index"), describe(result));
  BOOST_TEST(contains(result.err, "index t_a on t is invalid"), describe(result));
  BOOST_TEST(set.states() == "1:applied,2:dirty");
}

BOOST_AUTO_TEST_CASE(a_stop_signal_during_the_build_leaves_the_version_dirty_and_the_index_named) {
  const IndexSet set(slow_table, slow_index);
  Process dbinit(set.options());
  wait_for_the_build(set);
  dbinit.send_signal(SIGTERM);
  const auto result = dbinit.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(!contains(result.err, "rolled back"), describe(result));
  expect_repair_waits_for_the_drop(set, "s_slow", "s");
}

BOOST_AUTO_TEST_CASE(a_connection_dropped_during_the_build_leaves_the_version_dirty_and_the_index_named) {
  const IndexSet set(slow_table, slow_index);
  Process dbinit(set.options());
  wait_for_the_build(set);
  cluster().query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'index_builder'",
                  set.database);
  const auto result = dbinit.wait();
  // dbinit reconnects, reads the history: the version is dirty.
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(contains(result.err, "connection lost during 0002_index.up.sql"), describe(result));
  BOOST_TEST(contains(result.err, "is marked dirty"), describe(result));
  expect_repair_waits_for_the_drop(set, "s_slow", "s");
}
