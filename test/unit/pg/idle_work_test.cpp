#define BOOST_TEST_MODULE idle_work
#include <boost/test/unit_test.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "pg/idle_work.hpp"

using namespace dbinit;

namespace {

// Two connected sockets: `waiting` is what the attempt reads the server's
// answer from; writing to `server` makes it ready.
struct SocketPair {
  int waiting = -1;
  int server = -1;
  SocketPair() {
    int fds[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    waiting = fds[0];
    server = fds[1];
  }
  ~SocketPair() {
    ::close(waiting);
    ::close(server);
  }
  void answer() const { BOOST_REQUIRE(::write(server, "N", 1) == 1); }
};

// Work that counts its runs and ends with `exit_code`.
WorkWhileConnecting counted(int& runs, std::optional<int> exit_code = std::nullopt) {
  return [&runs, exit_code] {
    ++runs;
    return exit_code;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_work_runs_once_while_the_server_has_not_answered) {
  SocketPair sockets;
  int runs = 0;
  IdleWork idle(counted(runs));
  BOOST_TEST(!idle.run_if_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(runs == 1);
  BOOST_TEST(!idle.run_if_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(!idle.run_now().has_value());
  BOOST_TEST(runs == 1);
}

BOOST_AUTO_TEST_CASE(an_answer_already_in_puts_the_work_off) {
  SocketPair sockets;
  sockets.answer();
  int runs = 0;
  IdleWork idle(counted(runs));
  BOOST_TEST(!idle.run_if_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(runs == 0);
  char byte;
  BOOST_REQUIRE(::read(sockets.waiting, &byte, 1) == 1);  // the answer is read: waiting again
  BOOST_TEST(!idle.run_if_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(runs == 1);
}

BOOST_AUTO_TEST_CASE(run_now_runs_the_work_whatever_the_socket_says) {
  SocketPair sockets;
  sockets.answer();
  int runs = 0;
  IdleWork idle(counted(runs, 2));
  BOOST_TEST(idle.run_now().value_or(-1) == 2);
  BOOST_TEST(runs == 1);
  BOOST_TEST(!idle.run_now().has_value());  // once
  BOOST_TEST(runs == 1);
}

BOOST_AUTO_TEST_CASE(the_exit_code_of_the_work_is_returned) {
  SocketPair sockets;
  int runs = 0;
  IdleWork idle(counted(runs, 2));
  BOOST_TEST(idle.run_if_waiting(sockets.waiting, false).value_or(-1) == 2);
}

BOOST_AUTO_TEST_CASE(no_work_is_nothing_to_run) {
  SocketPair sockets;
  IdleWork idle({});
  BOOST_TEST(!idle.run_if_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(!idle.run_now().has_value());
}

BOOST_AUTO_TEST_CASE(a_socket_that_cannot_take_more_counts_as_waiting) {
  // A socket whose send buffer is full cannot be written to: the TCP
  // handshake with a silent address looks the same to poll().
  SocketPair sockets;
  const std::string chunk(65536, 'x');
  while (::send(sockets.waiting, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
  }
  BOOST_TEST(!socket_ready_now(sockets.waiting, true));
  BOOST_TEST(!socket_ready_now(sockets.waiting, false));
  sockets.answer();
  BOOST_TEST(socket_ready_now(sockets.waiting, false));
}

BOOST_AUTO_TEST_CASE(time_spent_counts_the_work) {
  SocketPair sockets;
  IdleWork idle([] {
    ::usleep(20'000);
    return std::optional<int>{};
  });
  idle.run_if_waiting(sockets.waiting, false);
  BOOST_TEST(idle.time_spent() >= std::chrono::milliseconds(20));
}
