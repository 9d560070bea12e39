#define BOOST_TEST_MODULE lock
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/lock.hpp"
#include "text.hpp"

using dbinit::test::contains;
using namespace dbinit;
using namespace std::chrono_literals;

namespace {

std::int64_t key_of(std::string_view name) { return lock_key(*parse_history_table(name)); }

}  // namespace

BOOST_AUTO_TEST_CASE(lock_key_of_the_default_table_is_the_documented_one) {
  BOOST_TEST(key_of("dbinit_schema_history") == 2281398760111336587LL);
}

BOOST_AUTO_TEST_CASE(lock_key_is_stable_and_differs_between_names) {
  BOOST_TEST(key_of("migrations") == key_of("migrations"));
  BOOST_TEST(key_of("MIGRATIONS") == key_of("migrations"));
  BOOST_TEST(key_of("migrations") != key_of("dbinit_schema_history"));
  // The name as given: a schema-qualified name is a different lock.
  BOOST_TEST(key_of("public.dbinit_schema_history") != key_of("dbinit_schema_history"));
  // The first 8 bytes of SHA-256 read as a signed bigint, which may be negative.
  BOOST_TEST(key_of("public.dbinit_schema_history") == -6797266878039275106LL);
}

BOOST_AUTO_TEST_CASE(lock_holder_query_splits_the_key_like_pg_locks_does) {
  const auto positive = lock_holder_sql(key_of("dbinit_schema_history"));
  BOOST_TEST(contains(positive, "l.classid = 531179541 AND l.objid = 3212045451 AND l.objsubid = 1"), positive);
  const auto negative = lock_holder_sql(key_of("public.dbinit_schema_history"));
  BOOST_TEST(contains(negative, "l.classid = 2712355273 AND l.objid = 3002124702"), negative);
}

BOOST_AUTO_TEST_CASE(session_lock_queries_use_the_key) {
  const auto key = key_of("dbinit_schema_history");
  BOOST_TEST(try_session_lock_sql(key) == "SELECT pg_catalog.pg_try_advisory_lock(2281398760111336587)");
  BOOST_TEST(release_session_lock_sql(key) == "SELECT pg_catalog.pg_advisory_unlock(2281398760111336587)");
}

BOOST_AUTO_TEST_CASE(lock_blocks_take_the_lock_before_checking_the_version) {
  const auto table = *parse_history_table("dbinit_schema_history");
  const auto lock = lock_sql(42, 2s, false);
  BOOST_TEST(contains(lock, "IF NOT pg_catalog.pg_try_advisory_xact_lock(42) THEN RAISE EXCEPTION USING ERRCODE = 'DBI01'"),
             lock);
  BOOST_TEST(!contains(lock, "DBI02"), lock);
  // The start of the migration's own transaction, for its recorded duration.
  BOOST_TEST(contains(lock, "set_config('dbinit.started', pg_catalog.clock_timestamp()::text, true)"), lock);
  BOOST_TEST(lock.find("dbinit.started") < lock.find("advisory_xact_lock"), lock);
  const auto down = lock_and_check_recorded_sql(table, 42, 7, 0s, false);
  BOOST_TEST(contains(down, "IF NOT EXISTS (SELECT 1 FROM \"dbinit_schema_history\" WHERE version = 7) THEN"), down);
  BOOST_TEST(down.find("DBI01") < down.find("DBI02"), down);
  BOOST_TEST(!contains(down, "to_regclass"), down);
}

// Before the file: the migration's own waits for table locks are limited,
// and all but a batch's last commit are asynchronous, for its transaction
// only (set_config(..., true) is SET LOCAL).
BOOST_AUTO_TEST_CASE(transaction_settings_limit_table_lock_waits_and_choose_the_commit) {
  const auto limited = transaction_settings_sql(2s, false);
  BOOST_TEST(contains(limited, "pg_catalog.set_config('lock_timeout', '2000ms', true)"), limited);
  BOOST_TEST(!contains(limited, "synchronous_commit"), limited);
  BOOST_TEST(!contains(transaction_settings_sql(0s, false), "lock_timeout"));
  const auto asynchronous = transaction_settings_sql(0s, true);
  BOOST_TEST(contains(asynchronous, "pg_catalog.set_config('synchronous_commit', 'off', true)"), asynchronous);
  // As SET LOCAL statements, for a step going up.
  const auto statements = transaction_setting_statements(2s, true);
  BOOST_TEST(statements.sql == "SET LOCAL synchronous_commit = off;\nSET LOCAL lock_timeout = 2000;\n");
  BOOST_TEST(statements.statements == 2u);
  BOOST_TEST(transaction_setting_statements(0s, false).statements == 0u);
  BOOST_TEST(transaction_setting_statements(0s, false).sql.empty());
  const auto table = *parse_history_table("dbinit_schema_history");
  const auto checked = lock_and_check_recorded_sql(table, 42, 7, 2s, true);
  BOOST_TEST(contains(checked, "PERFORM " + transaction_settings_sql(2s, true) + ";"), checked);
  BOOST_TEST(checked.find("lock_timeout") < checked.find("DBI02"), checked);
}

BOOST_AUTO_TEST_CASE(lock_timeouts_and_deadlocks_are_table_lock_conflicts) {
  BOOST_TEST(is_table_lock_conflict("55P03"));
  BOOST_TEST(is_table_lock_conflict("40P01"));
  BOOST_TEST(!is_table_lock_conflict("57014"));  // query_canceled: a stop signal, not a conflict
  BOOST_TEST(!is_table_lock_conflict("DBI01"));
  BOOST_TEST(session_lock_timeout_sql(500ms) == "SET lock_timeout = 500");
}

BOOST_AUTO_TEST_CASE(a_busy_lock_names_its_holder_at_once_then_every_five_seconds) {
  LockWait wait(60s);
  const Clock::time_point start{};
  const auto t = [&](Milliseconds after) { return start + 1h + after; };
  BOOST_TEST(wait.busy(t(0ms)).report_holder);
  BOOST_TEST(!wait.busy(t(1s)).report_holder);
  BOOST_TEST(!wait.busy(t(4999ms)).report_holder);
  BOOST_TEST(wait.busy(t(5s)).report_holder);
  BOOST_TEST(!wait.busy(t(6s)).report_holder);
  BOOST_TEST(wait.busy(t(6s)).waited.count() == 6'000);
}

BOOST_AUTO_TEST_CASE(a_busy_lock_gives_up_at_the_timeout_and_never_sleeps_past_it) {
  LockWait wait(2s);
  const Clock::time_point start = Clock::time_point{} + 1h;
  auto busy = wait.busy(start);
  BOOST_TEST(!busy.give_up);
  BOOST_TEST(busy.delay_cap.count() == 2'000);
  busy = wait.busy(start + 1500ms);
  BOOST_TEST(!busy.give_up);
  BOOST_TEST(busy.delay_cap.count() == 500);
  busy = wait.busy(start + 2s);
  BOOST_TEST(busy.give_up);
  BOOST_TEST(busy.report_holder);  // the last word names who held it
}

BOOST_AUTO_TEST_CASE(taking_the_lock_starts_the_next_wait_afresh) {
  LockWait wait(2s);
  const Clock::time_point start = Clock::time_point{} + 1h;
  wait.busy(start);
  wait.acquired();
  const auto busy = wait.busy(start + 10s);
  BOOST_TEST(!busy.give_up);
  BOOST_TEST(busy.waited.count() == 0);
  BOOST_TEST(busy.report_holder);
}
