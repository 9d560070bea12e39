#define BOOST_TEST_MODULE lock
#include <boost/test/unit_test.hpp>

#include <string>

#include "migrate/lock.hpp"

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

BOOST_AUTO_TEST_CASE(lock_timeouts_and_deadlocks_are_table_lock_conflicts) {
  BOOST_TEST(is_table_lock_conflict("55P03"));
  BOOST_TEST(is_table_lock_conflict("40P01"));
  BOOST_TEST(!is_table_lock_conflict("57014"));  // query_canceled: a stop signal, not a conflict
  BOOST_TEST(!is_table_lock_conflict("DBI01"));
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
