#define BOOST_TEST_MODULE memory
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "supervise/memory.hpp"

using namespace dbinit;

namespace {

constexpr std::uint64_t present = std::uint64_t{1} << 63;
constexpr std::uint64_t file = std::uint64_t{1} << 61;

// RssFile of this process, in kB, from /proc/self/status.
long resident_file_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("RssFile:")) return std::stol(line.substr(8));
  return -1;
}

// Work whose code and constants live in this test's executable pages.
std::string checksum_of_squares(int count) {
  std::vector<long> squares(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) squares[static_cast<std::size_t>(i)] = static_cast<long>(i) * i;
  return "sum=" + std::to_string(std::accumulate(squares.begin(), squares.end(), 0L));
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_private_file_mappings_are_candidates) {
  const std::string maps =
      "00400000-00401000 r--p 00000000 08:01 123   /usr/bin/dbinit\n"
      "00401000-00883000 r-xp 00001000 08:01 123   /usr/bin/dbinit\n"
      "00a43000-00a4c000 rw-p 00643000 08:01 123   /usr/bin/dbinit\n"
      "00a4c000-00a58000 rw-p 00000000 00:00 0\n"
      "1359f000-135db000 rw-p 00000000 00:00 0      [heap]\n"
      "7f0000000000-7f0000010000 r--s 00000000 08:01 99    /dev/shm/shared map\n"
      "7f0000010000-7f0000020000 r-xp 00000000 08:01 77    /usr/lib/with space/libx.so\n"
      "7ffe00000000-7ffe00002000 r-xp 00000000 00:00 0      [vdso]\n"
      "garbage\n";
  const auto regions = private_file_regions(maps);
  BOOST_TEST_REQUIRE(regions.size() == 4u);
  BOOST_TEST(regions[0].start == 0x400000u);
  BOOST_TEST(regions[1].end == 0x883000u);
  BOOST_TEST(regions[2].start == 0xa43000u);  // writable: its untouched pages still count
  BOOST_TEST(regions[3].start == 0x7f0000010000u);
}

BOOST_AUTO_TEST_CASE(pages_a_write_made_private_are_never_dropped) {
  const MemoryRegion region{0x10000, 0x10000 + 6 * 4096};
  // absent, file, file, private copy (a relocation), file, absent
  const std::vector<std::uint64_t> pagemap{0, present | file, present | file, present, present | file, 0};
  const auto runs = clean_file_runs(region, pagemap, 4096);
  BOOST_TEST_REQUIRE(runs.size() == 2u);
  BOOST_TEST(runs[0].start == 0x10000u);
  BOOST_TEST(runs[0].end == 0x10000u + 3 * 4096);
  BOOST_TEST(runs[1].start == 0x10000u + 4 * 4096);
  BOOST_TEST(runs[1].end == 0x10000u + 6 * 4096);
  BOOST_TEST(clean_file_runs(region, std::vector<std::uint64_t>(6, present), 4096).empty());
}

BOOST_AUTO_TEST_CASE(this_process_drops_its_file_pages_and_keeps_working) {
  const std::string before = checksum_of_squares(1000);
  const long resident_before = resident_file_kb();
  std::string error;
  BOOST_TEST_REQUIRE(release_startup_memory(&error), error);
  const long resident_after = resident_file_kb();
  // The test's own libraries and code were resident; most of it is gone now.
  BOOST_TEST(resident_after < resident_before, resident_after << " kB after, " << resident_before << " kB before");
  // Code and constants come back from the page cache on first touch.
  BOOST_TEST(checksum_of_squares(1000) == before);
}
