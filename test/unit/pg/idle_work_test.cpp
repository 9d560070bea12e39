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

}  // namespace

BOOST_AUTO_TEST_CASE(steps_run_in_order_while_the_server_has_not_answered) {
  SocketPair sockets;
  std::string ran;
  IdleWork idle;
  idle.add_if_idle([&] { ran += "a"; });
  idle.add_required([&] {
    ran += "b";
    return std::optional<int>{};
  });
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran == "ab");
  BOOST_TEST(!idle.finish().has_value());
  BOOST_TEST(ran == "ab");  // each step runs once
}

BOOST_AUTO_TEST_CASE(an_answer_stops_the_steps_until_the_next_wait) {
  SocketPair sockets;
  std::string ran;
  IdleWork idle;
  idle.add_if_idle([&] {
    ran += "a";
    sockets.answer();  // the server answers while the first step runs
  });
  idle.add_if_idle([&] { ran += "b"; });
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran == "a");
  // Still ready (nothing read): nothing runs.
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran == "a");
  char byte;
  BOOST_REQUIRE(::read(sockets.waiting, &byte, 1) == 1);
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran == "ab");
}

BOOST_AUTO_TEST_CASE(finish_runs_the_required_steps_and_drops_the_others) {
  SocketPair sockets;
  sockets.answer();  // the server always answered at once: no idle moment
  std::string ran;
  IdleWork idle;
  idle.add_if_idle([&] { ran += "a"; });
  idle.add_required([&] {
    ran += "b";
    return std::optional<int>{};
  });
  idle.add_if_idle([&] { ran += "c"; });
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran.empty());
  BOOST_TEST(!idle.finish().has_value());
  BOOST_TEST(ran == "b");
}

BOOST_AUTO_TEST_CASE(run_required_runs_the_required_steps_now_and_keeps_the_others) {
  SocketPair sockets;
  sockets.answer();
  std::string ran;
  IdleWork idle;
  idle.add_if_idle([&] { ran += "a"; });
  idle.add_required([&] {
    ran += "b";
    return std::optional<int>{};
  });
  idle.add_if_idle([&] { ran += "c"; });
  BOOST_TEST(!idle.run_required().has_value());
  BOOST_TEST(ran == "b");
  char byte;
  BOOST_REQUIRE(::read(sockets.waiting, &byte, 1) == 1);
  BOOST_TEST(!idle.run_while_waiting(sockets.waiting, false).has_value());
  BOOST_TEST(ran == "bac");
}

BOOST_AUTO_TEST_CASE(an_exit_code_ends_the_work_and_drops_what_follows) {
  SocketPair sockets;
  std::string ran;
  IdleWork idle;
  idle.add_required([&] {
    ran += "a";
    return std::optional<int>{2};
  });
  idle.add_required([&] {
    ran += "b";
    return std::optional<int>{};
  });
  BOOST_TEST(idle.run_while_waiting(sockets.waiting, false).value_or(-1) == 2);
  BOOST_TEST(!idle.finish().has_value());
  BOOST_TEST(ran == "a");
}

BOOST_AUTO_TEST_CASE(a_socket_still_connecting_counts_as_waiting) {
  // A socket whose send buffer is full cannot be written to: the TCP
  // handshake of a silent address looks the same to poll().
  SocketPair sockets;
  const std::string chunk(65536, 'x');
  while (::send(sockets.waiting, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
  }
  BOOST_TEST(!socket_ready_now(sockets.waiting, true));
  BOOST_TEST(!socket_ready_now(sockets.waiting, false));
  sockets.answer();
  BOOST_TEST(socket_ready_now(sockets.waiting, false));
}

BOOST_AUTO_TEST_CASE(time_spent_counts_the_steps) {
  SocketPair sockets;
  IdleWork idle;
  idle.add_if_idle([] { ::usleep(20'000); });
  idle.run_while_waiting(sockets.waiting, false);
  BOOST_TEST(idle.time_spent() >= std::chrono::milliseconds(20));
}
