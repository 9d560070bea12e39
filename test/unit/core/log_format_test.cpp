#define BOOST_TEST_MODULE log_format
#include <boost/test/unit_test.hpp>

#include "core/log_format.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(text_lines_carry_time_level_phase_message_and_fields) {
  const log::Fields fields{{"attempt", "3"}, {"error", "connection refused\nsecond line"}};
  const auto line = log::format_record({"2026-01-02T03:04:05.678Z", log::Level::warn, log::Phase::wait, "attempt failed", fields},
                                       log::Format::text);
  BOOST_TEST(line == "2026-01-02T03:04:05.678Z WARN  wait: attempt failed attempt=3 error=\"connection refused second line\"");
}

BOOST_AUTO_TEST_CASE(json_lines_are_one_object_with_escaped_strings) {
  const log::Fields fields{{"error", "say \"hi\"\n"}};
  const auto line = log::format_record({"2026-01-02T03:04:05.678Z", log::Level::info, log::Phase::migrate, "a\tb", fields},
                                       log::Format::json);
  BOOST_TEST(line ==
             R"({"ts":"2026-01-02T03:04:05.678Z","level":"info","phase":"migrate","msg":"a\tb","error":"say \"hi\"\n"})");
}

BOOST_AUTO_TEST_CASE(phases_are_the_steps_of_the_outline_and_the_supervisor) {
  const log::Fields none;
  std::string names;
  for (const auto phase : {log::Phase::config, log::Phase::wait, log::Phase::migrate, log::Phase::hand_off,
                           log::Phase::supervise})
    names += log::format_record({"t", log::Level::info, phase, "m", none}, log::Format::text).substr(8) + "|";
  BOOST_TEST(names == "config: m|wait: m|migrate: m|hand-off: m|supervise: m|");
}

BOOST_AUTO_TEST_CASE(levels_and_formats_parse_from_their_names) {
  for (const auto level : {log::Level::debug, log::Level::info, log::Level::warn, log::Level::error})
    BOOST_TEST((log::parse_level(log::level_name(level)) == level));
  BOOST_TEST((log::parse_level("warning") == log::Level::warn));
  BOOST_TEST(!log::parse_level("verbose").has_value());
  BOOST_TEST((log::parse_format("json") == log::Format::json));
  BOOST_TEST(!log::parse_format("xml").has_value());
}

BOOST_AUTO_TEST_CASE(timestamps_are_utc_with_milliseconds) {
  const auto now = log::utc_timestamp_now();
  BOOST_TEST(now.size() == 24u);
  BOOST_TEST(now.back() == 'Z');
  BOOST_TEST(now[10] == 'T');
}
