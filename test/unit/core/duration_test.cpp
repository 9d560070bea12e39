#define BOOST_TEST_MODULE duration
#include <boost/test/unit_test.hpp>

#include "core/duration.hpp"

using namespace dbinit;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(accepts_every_documented_unit) {
  BOOST_TEST(parse_duration("250ms").value().count() == 250);
  BOOST_TEST(parse_duration("5s").value().count() == 5'000);
  BOOST_TEST(parse_duration("2m").value().count() == 120'000);
  BOOST_TEST(parse_duration("1h").value().count() == 3'600'000);
  BOOST_TEST(parse_duration("7").value().count() == 7'000);  // bare number: seconds
  BOOST_TEST(parse_duration("0").value().count() == 0);
  BOOST_TEST(parse_duration("10MS").value().count() == 10);
  BOOST_TEST(parse_duration("1.5s").value().count() == 1'500);
  BOOST_TEST(parse_duration("7.007s").value().count() == 7'007);
  BOOST_TEST(parse_duration("0.25m").value().count() == 15'000);
}

// Every duration that logs and --help print is one the parser reads back
// (test/fuzz/regressions/duration holds such inputs).
BOOST_AUTO_TEST_CASE(what_is_printed_reads_back) {
  for (const Milliseconds duration : {Milliseconds(1), Milliseconds(999), Milliseconds(1000), Milliseconds(1500),
                                      Milliseconds(7007), Milliseconds(61'001), Milliseconds(5'400'000), Milliseconds(90'000'000)})
    BOOST_TEST(parse_duration(format_duration(duration)).value() == duration, format_duration(duration));
}

BOOST_AUTO_TEST_CASE(rejects_everything_else) {
  for (const char* bad : {"", "s", "-1s", "5 s", "1.0001s", "1.s", ".5s", "1.5.5s", "5d", "5sec", "abc", " 5s", "99999999999999999999h"})
    BOOST_TEST(!parse_duration(bad).has_value(), "accepted '" << bad << "'");
}

BOOST_AUTO_TEST_CASE(formats_shortest_exact_form) {
  BOOST_TEST(format_duration(200ms) == "200ms");
  BOOST_TEST(format_duration(1500ms) == "1.5s");
  BOOST_TEST(format_duration(1234ms) == "1.234s");
  BOOST_TEST(format_duration(5s) == "5s");
  BOOST_TEST(format_duration(2min) == "2m");
  BOOST_TEST(format_duration(1h) == "1h");
}
