#define BOOST_TEST_MODULE reaper
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "supervise/reaper.hpp"

using namespace dbinit;
using namespace std::chrono_literals;

namespace {

pid_t child_exiting_with(int code, std::chrono::milliseconds after = 0ms) {
  const pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    std::this_thread::sleep_for(after);
    _exit(code);
  }
  return child;
}

}  // namespace

BOOST_AUTO_TEST_CASE(reaps_every_exited_child_and_reports_the_watched_one) {
  BOOST_TEST(!has_children());
  const pid_t watched = child_exiting_with(7, 50ms);
  const pid_t other = child_exiting_with(0);
  BOOST_TEST(has_children());
  std::optional<int> status;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!status && std::chrono::steady_clock::now() < deadline) {
    status = reap_exited_children(watched);
    std::this_thread::sleep_for(5ms);
  }
  BOOST_TEST_REQUIRE(status.has_value());
  BOOST_TEST(WEXITSTATUS(*status) == 7);
  // The other one, already exited, went with it.
  BOOST_TEST(::waitpid(other, nullptr, WNOHANG) == -1);
  BOOST_TEST(!has_children());
  BOOST_TEST(!reap_exited_children(watched).has_value());
}

BOOST_AUTO_TEST_CASE(a_running_child_is_neither_reaped_nor_forgotten) {
  const pid_t running = child_exiting_with(0, 10s);
  BOOST_TEST(!reap_exited_children(running).has_value());
  BOOST_TEST(has_children());
  ::kill(running, SIGKILL);
  int status = 0;
  BOOST_TEST(::waitpid(running, &status, 0) == running);
  BOOST_TEST(!has_children());
}
