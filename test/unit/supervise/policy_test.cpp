#define BOOST_TEST_MODULE supervise_policy
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <csignal>

#include "supervise/policy.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(auto_mode_supervises_only_as_pid_1) {
  BOOST_TEST((resolve_mode(Mode::automatic, true) == Mode::supervise));
  BOOST_TEST((resolve_mode(Mode::automatic, false) == Mode::exec));
  for (bool is_pid_1 : {true, false}) {
    BOOST_TEST((resolve_mode(Mode::supervise, is_pid_1) == Mode::supervise));
    BOOST_TEST((resolve_mode(Mode::exec, is_pid_1) == Mode::exec));
  }
}

BOOST_AUTO_TEST_CASE(only_a_run_that_hands_off_is_supervised) {
  BOOST_TEST(should_supervise(Mode::supervise, true, false));
  for (bool is_pid_1 : {true, false}) BOOST_TEST(!should_supervise(Mode::supervise, false, is_pid_1));
  BOOST_TEST(!should_supervise(Mode::exec, true, true));
  BOOST_TEST(should_supervise(Mode::automatic, true, true));
  BOOST_TEST(!should_supervise(Mode::automatic, true, false));
}

BOOST_AUTO_TEST_CASE(forwards_what_init_should_forward) {
  for (int forwarded : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM, SIGTSTP,
                        SIGPIPE, SIGPWR, SIGRTMIN, SIGRTMAX})
    BOOST_TEST(is_forwarded(forwarded), "not forwarded: " << forwarded);
  for (int kept : {SIGCHLD, SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT, SIGTTIN,
                   SIGTTOU, 0, 32, 33, NSIG, -1})
    BOOST_TEST(!is_forwarded(kept), "forwarded: " << kept);
}

BOOST_AUTO_TEST_CASE(maps_signals_once_and_the_last_mapping_wins) {
  const std::vector<SignalMapping> map{{SIGTERM, SIGINT}, {SIGINT, SIGQUIT}, {SIGHUP, SIGUSR1}, {SIGHUP, SIGUSR2}};
  BOOST_TEST(mapped_signal(SIGTERM, map) == SIGINT);  // not chained on to SIGQUIT
  BOOST_TEST(mapped_signal(SIGINT, map) == SIGQUIT);
  BOOST_TEST(mapped_signal(SIGHUP, map) == SIGUSR2);
  BOOST_TEST(mapped_signal(SIGWINCH, map) == SIGWINCH);
  BOOST_TEST(mapped_signal(SIGTERM, {}) == SIGTERM);
}

BOOST_AUTO_TEST_CASE(exit_code_is_the_childs_or_128_plus_the_signal) {
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(0, 0)) == 0);
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(7, 0)) == 7);
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(255, 0)) == 255);
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(0, SIGTERM)) == 143);
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(0, SIGKILL)) == 137);
  BOOST_TEST(exit_code_for_wait_status(W_EXITCODE(0, SIGSEGV) | WCOREFLAG) == 139);
}
