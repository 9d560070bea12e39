#define BOOST_TEST_MODULE resident_memory
#include <boost/test/unit_test.hpp>

#include <string>

#include "supervise/memory.hpp"

using namespace dbinit;

namespace {

std::string mapping(const std::string& header, int anonymous_kb) {
  return header + "\nSize:                 64 kB\nRss:                  64 kB\nAnonymous:      " +
         std::to_string(anonymous_kb) + " kB\nVmFlags: rd ex mr mw me\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_clean_private_read_only_file_mappings_are_dropped) {
  const std::string smaps =
      mapping("00400000-00401000 r--p 00000000 08:01 123   /usr/bin/dbinit", 0) +
      mapping("00401000-00883000 r-xp 00001000 08:01 123   /usr/bin/dbinit", 0) +
      mapping("009d8000-00a43000 r--p 005d8000 08:01 123   /usr/bin/dbinit", 8) +  // relocated: keep
      mapping("00a43000-00a4c000 rw-p 00643000 08:01 123   /usr/bin/dbinit", 0) +  // writable: keep
      mapping("00a4c000-00a58000 rw-p 00000000 00:00 0", 12) +
      mapping("1359f000-135db000 rw-p 00000000 00:00 0      [heap]", 64) +
      mapping("7f0000000000-7f0000010000 r--s 00000000 08:01 99    /dev/shm/shared map", 0) +  // shared: keep
      mapping("7f0000010000-7f0000020000 r-xp 00000000 08:01 77    /usr/lib/with space/libx.so", 0) +
      mapping("7ffe00000000-7ffe00002000 r-xp 00000000 00:00 0      [vdso]", 0);
  const auto regions = clean_file_regions(smaps);
  BOOST_TEST_REQUIRE(regions.size() == 3u);
  BOOST_TEST(regions[0].start == 0x400000u);
  BOOST_TEST(regions[0].end == 0x401000u);
  BOOST_TEST(regions[1].start == 0x401000u);
  BOOST_TEST(regions[1].end == 0x883000u);
  BOOST_TEST(regions[2].start == 0x7f0000010000u);
}

BOOST_AUTO_TEST_CASE(nothing_to_drop_in_an_empty_or_odd_text) {
  BOOST_TEST(clean_file_regions("").empty());
  BOOST_TEST(clean_file_regions("garbage\nmore garbage: 1 kB\n").empty());
}

BOOST_AUTO_TEST_CASE(this_process_keeps_running_after_its_pages_are_dropped) {
  std::string error;
  BOOST_TEST(release_startup_memory(&error), error);
  // Code, constants and vtables come back from the page cache on first touch.
  std::string text = "still";
  text += " here";
  BOOST_TEST(text == "still here");
}
