#define BOOST_TEST_MODULE process_tree
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>

#include "supervise/process_tree.hpp"

using namespace dbinit;

namespace {

std::vector<pid_t> pids(const std::vector<ProcessEntry>& entries) {
  std::vector<pid_t> out;
  for (const auto& entry : entries) out.push_back(entry.pid);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parses_a_stat_line) {
  const auto entry = parse_proc_stat("4242 (sleep) S 17 4242 4242 0 -1 4194560 95 0 0 0 0 0 0 0 20 0 1 0\n");
  BOOST_TEST_REQUIRE(entry.has_value());
  BOOST_TEST(entry->pid == 4242);
  BOOST_TEST(entry->parent == 17);
  BOOST_TEST(entry->state == 'S');
  BOOST_TEST(entry->name == "sleep");
}

BOOST_AUTO_TEST_CASE(a_name_may_hold_spaces_and_parentheses) {
  const auto entry = parse_proc_stat("77 (a) Z 9 (b) Z 1 77 77 0");
  BOOST_TEST_REQUIRE(entry.has_value());
  BOOST_TEST(entry->name == "a) Z 9 (b");
  BOOST_TEST(entry->state == 'Z');
  BOOST_TEST(entry->parent == 1);
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_a_stat_line) {
  for (const char* bad : {"", "12", "12 (x)", "x (y) S 1 2", "12 (y) S x 2", "12 y S 1 2"})
    BOOST_TEST(!parse_proc_stat(bad).has_value(), "accepted '" << bad << "'");
}

BOOST_AUTO_TEST_CASE(finds_descendants_at_any_depth_and_nothing_else) {
  const std::vector<ProcessEntry> table{
      {1, 0, 'S', "init"},     {10, 1, 'S', "dbinit"}, {11, 10, 'S', "sh"},  {12, 11, 'S', "app"},
      {13, 12, 'Z', "worker"}, {14, 10, 'S', "orphan"}, {20, 1, 'S', "other"}, {21, 20, 'S', "other-child"}};
  BOOST_TEST(pids(descendants_of(10, table)) == (std::vector<pid_t>{11, 14, 12, 13}), boost::test_tools::per_element());
  BOOST_TEST(descendants_of(13, table).empty());
  BOOST_TEST(descendants_of(99, table).empty());
}

BOOST_AUTO_TEST_CASE(a_cycle_through_the_root_ends) {
  const std::vector<ProcessEntry> table{{5, 6, 'S', "a"}, {6, 5, 'S', "b"}};
  BOOST_TEST(pids(descendants_of(5, table)) == (std::vector<pid_t>{6}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reads_this_process_from_proc) {
  std::string error;
  const auto table = read_process_table(&error);
  BOOST_TEST_REQUIRE(table.has_value(), error);
  const auto self = std::find_if(table->begin(), table->end(), [](const auto& e) { return e.pid == ::getpid(); });
  BOOST_TEST_REQUIRE((self != table->end()));
  BOOST_TEST(self->parent == ::getppid());
  BOOST_TEST(self->state == 'R');
}
