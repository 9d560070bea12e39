#define BOOST_TEST_MODULE log_format
#include <boost/test/unit_test.hpp>

#include "log.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(text_lines_carry_time_level_phase_message_and_fields) {
  const log::Fields fields{{"attempt", "3"}, {"error", "connection refused\nsecond line"}};
  const auto line = log::format_record({"2026-01-02T03:04:05.678Z", log::Level::warn, "wait", "attempt failed", fields},
                                       log::Format::text);
  BOOST_TEST(line == "2026-01-02T03:04:05.678Z WARN  wait: attempt failed attempt=3 error=\"connection refused second line\"");
}

BOOST_AUTO_TEST_CASE(json_lines_are_one_object_with_escaped_strings) {
  const log::Fields fields{{"error", "say \"hi\"\n"}};
  const auto line = log::format_record({"2026-01-02T03:04:05.678Z", log::Level::info, "migrate", "a\tb", fields},
                                       log::Format::json);
  BOOST_TEST(line ==
             R"({"ts":"2026-01-02T03:04:05.678Z","level":"info","phase":"migrate","msg":"a\tb","error":"say \"hi\"\n"})");
}

BOOST_AUTO_TEST_CASE(timestamps_are_utc_with_milliseconds) {
  const auto now = log::utc_timestamp_now();
  BOOST_TEST(now.size() == 24u);
  BOOST_TEST(now.back() == 'Z');
  BOOST_TEST(now[10] == 'T');
}
