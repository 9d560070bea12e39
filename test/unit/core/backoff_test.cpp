#define BOOST_TEST_MODULE backoff
#include <boost/test/unit_test.hpp>

#include <set>
#include <vector>

#include "core/backoff.hpp"

using namespace dbinit;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(ceiling_doubles_up_to_the_maximum) {
  BackoffSchedule schedule({200ms, 5s}, 1);
  BOOST_TEST(schedule.ceiling(0).count() == 200);
  BOOST_TEST(schedule.ceiling(1).count() == 400);
  BOOST_TEST(schedule.ceiling(4).count() == 3200);
  BOOST_TEST(schedule.ceiling(5).count() == 5000);
  BOOST_TEST(schedule.ceiling(1000).count() == 5000);  // no overflow after many attempts
}

BOOST_AUTO_TEST_CASE(every_delay_is_within_its_ceiling_and_jittered) {
  BackoffSchedule schedule({100ms, 2s}, 42);
  std::set<long> distinct;
  for (unsigned n = 0; n < 200; ++n) {
    const auto ceiling = schedule.ceiling(n);
    const auto delay = schedule.next();
    BOOST_TEST(delay.count() >= 0);
    BOOST_TEST(delay <= ceiling);
    distinct.insert(delay.count());
  }
  BOOST_TEST(schedule.attempts() == 200u);
  BOOST_TEST(distinct.size() > 100u);  // full jitter, not a fixed ladder
}

BOOST_AUTO_TEST_CASE(same_seed_same_schedule_different_seed_different_schedule) {
  BackoffSchedule a({200ms, 5s}, 7), b({200ms, 5s}, 7), c({200ms, 5s}, 8);
  std::vector<long> first, second, third;
  for (int n = 0; n < 20; ++n) {
    first.push_back(a.next().count());
    second.push_back(b.next().count());
    third.push_back(c.next().count());
  }
  BOOST_TEST(first == second);
  BOOST_TEST(first != third);
}

BOOST_AUTO_TEST_CASE(mean_delay_tracks_half_the_ceiling) {
  // Full jitter: uniform in [0, ceiling], so the mean is ceiling / 2.
  BackoffSchedule probe({1s, 1s}, 3);
  double total = 0;
  for (int n = 0; n < 10'000; ++n) total += static_cast<double>(probe.next().count());
  BOOST_TEST(total / 10'000 == 500.0, boost::test_tools::tolerance(0.05));
}
