#define BOOST_TEST_MODULE awaiting_replica
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "pg_cluster.hpp"
#include "set_dir.hpp"
#include "pgbouncer.hpp"
#include "process.hpp"
#include "text.hpp"

// --await-migrations against a real PostgreSQL, directly and through
// PgBouncer in transaction mode: a replica that waits for another's
// migrations, hands off as soon as they are committed, and changes nothing.
using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

PgCluster& cluster() { return shared_cluster(); }

using Files = SetDir::Files;

Files three() {
  return {{"0001_a.up.sql", "CREATE TABLE aw_a (id int);\n"},
          {"0002_b.up.sql", "CREATE TABLE aw_b (id int);\n"},
          {"0003_c.up.sql", "CREATE TABLE aw_c (id int);\n"}};
}

// The awaiting replica: prints the wall clock when it starts COMMAND.
ProcessOptions awaiting(const SetDir& set, const std::string& url, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--await-migrations", "--migrations-dir", set.path(), "--mode", "exec"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--", "sh", "-c", "date +%s.%N"});
  return dbinit_options(args, {{"DATABASE_URL", url}});
}

ProcessResult migrate(const SetDir& set, const std::string& url) {
  return run_dbinit({"migrate", "--migrations-dir", set.path()}, {{"DATABASE_URL", url}});
}

int logged_statements(const std::string& application_name) {
  const std::string log = cluster().log();
  const std::regex line("app=" + application_name + " LOG:  statement: ");
  return static_cast<int>(std::distance(std::sregex_iterator(log.begin(), log.end(), line), std::sregex_iterator()));
}

// When the migrating replica's batch committed, on the server's clock (the
// same machine's): the last step's end, as migrate records it just before
// the notification and the COMMIT.
double commit_time(const std::string& db) {
  return std::stod(cluster().scalar("SELECT extract(epoch FROM max(applied_at + duration_ms * interval '1 ms')) "
                                    "FROM dbinit_schema_history", db));
}

// One hand-off: an awaiting replica started on an empty database, then a
// migrating one; the lag from its commit to COMMAND's start, in ms.
double one_lag(const SetDir& set, const std::string& db, const std::string& await_url) {
  Process waiter(awaiting(set, await_url));
  std::this_thread::sleep_for(400ms);  // connected, read the history, listening
  const auto migrated = migrate(set, cluster().url(db));
  BOOST_TEST_REQUIRE(migrated.exit_code == 0, describe(migrated));
  const auto handed_off = waiter.wait();
  BOOST_TEST_REQUIRE(handed_off.exit_code == 0, describe(handed_off));
  BOOST_TEST_REQUIRE(contains(handed_off.err, "awaiting migrations"), handed_off.err);
  return (std::stod(handed_off.out) - commit_time(db)) * 1000.0;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::string shown(const std::vector<double>& lags) {
  std::string text;
  for (const double lag : lags) text += std::to_string(static_cast<int>(lag)) + " ";
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_database_already_migrated_hands_off_after_one_message) {
  const SetDir set(three());
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(set, cluster().url(db)).exit_code == 0);
  const auto result = run(awaiting(set, cluster().url(db) + "?application_name=await_noop"));
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(contains(result.err, "the schema is ready"), result.err);
  BOOST_TEST(!contains(result.err, "awaiting migrations"), result.err);
  BOOST_TEST(logged_statements("await_noop") == 1);
}

BOOST_AUTO_TEST_CASE(nothing_applied_gives_up_at_the_lock_timeout_naming_the_versions_and_creates_nothing) {
  const SetDir set(three());
  const auto db = cluster().create_database();
  const auto result = run(awaiting(set, cluster().url(db), {"--lock-timeout", "1s"}));
  BOOST_TEST(result.exit_code == 5, describe(result));
  BOOST_TEST(contains(result.err, "gave up awaiting migrations after 1s: versions 1, 2, 3 are still not applied"), result.err);
  BOOST_TEST(result.out.empty());
  BOOST_TEST(cluster().scalar("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace", db) == "0");
  BOOST_TEST(result.elapsed >= 1000ms);
  BOOST_TEST(result.elapsed < 5000ms + sanitizer_overhead);
}

BOOST_AUTO_TEST_CASE(part_applied_names_only_what_is_missing) {
  const SetDir set(three());
  Files first = three();
  first.erase("0003_c.up.sql");
  const SetDir older(first);
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(older, cluster().url(db)).exit_code == 0);
  const auto result = run(awaiting(set, cluster().url(db), {"--lock-timeout", "300ms"}));
  BOOST_TEST(result.exit_code == 5, describe(result));
  BOOST_TEST(contains(result.err, "versions 3 are still not applied"), result.err);
}

BOOST_AUTO_TEST_CASE(a_checksum_mismatch_is_exit_6) {
  const SetDir set(three());
  Files changed = three();
  changed["0002_b.up.sql"] = "CREATE TABLE aw_b (id bigint);\n";
  const SetDir other(changed);
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(other, cluster().url(db)).exit_code == 0);
  const auto result = run(awaiting(set, cluster().url(db)));
  BOOST_TEST(result.exit_code == 6, describe(result));
  BOOST_TEST(contains(result.err, "checksum mismatch): version 2"), result.err);
}

BOOST_AUTO_TEST_CASE(a_newer_database_hands_off_unless_strict) {
  Files older = three();
  older.erase("0003_c.up.sql");
  const SetDir old_set(older), new_set(three());
  const auto db = cluster().create_database();
  BOOST_TEST_REQUIRE(migrate(new_set, cluster().url(db)).exit_code == 0);
  const auto rolling = run(awaiting(old_set, cluster().url(db)));
  BOOST_TEST(rolling.exit_code == 0, describe(rolling));
  BOOST_TEST(!rolling.out.empty());
  const auto strict = run(awaiting(old_set, cluster().url(db), {"--strict"}));
  BOOST_TEST(strict.exit_code == 6, describe(strict));
}

BOOST_AUTO_TEST_CASE(await_is_only_for_a_command) {
  const SetDir set(three());
  const auto result = run_dbinit({"migrate", "--await-migrations", "--migrations-dir", set.path()});
  BOOST_TEST(result.exit_code == 2, describe(result));
  BOOST_TEST(contains(result.err, "--await-migrations is only accepted by 'dbinit -- COMMAND'"), result.err);
}

// The figures of the issue: the lag from the migrating replica's commit to
// the awaiting one's COMMAND, median of 20, directly (LISTEN) and through
// PgBouncer in transaction mode (polling).
BOOST_AUTO_TEST_CASE(hand_off_follows_the_migrating_replicas_commit) {
  const SetDir set(three());
  PgBouncer bouncer(cluster());
  std::vector<double> direct, pooled;
  for (int i = 0; i < 20; ++i) {
    const auto db = cluster().create_database("lag");
    direct.push_back(one_lag(set, db, cluster().url(db)));
  }
  for (int i = 0; i < 20; ++i) {
    const auto db = cluster().create_database("lagpool");
    pooled.push_back(one_lag(set, db, bouncer.url(db)));
  }
  BOOST_TEST_MESSAGE("hand-off lag after the commit, ms, direct: " << shown(direct) << "median " << median(direct));
  BOOST_TEST_MESSAGE("hand-off lag after the commit, ms, PgBouncer: " << shown(pooled) << "median " << median(pooled));
  BOOST_TEST(median(direct) < 100.0, shown(direct));
  BOOST_TEST(median(pooled) < 1000.0, shown(pooled));
  BOOST_TEST(*std::min_element(direct.begin(), direct.end()) > -50.0, "the commit time is off: " << shown(direct));
}
