#define BOOST_TEST_MODULE supervisor_signals
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "supervise/signals.hpp"

using namespace dbinit;

namespace {

sigset_t current_mask() {
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  return mask;
}

sighandler_t current_disposition(int signal_number) {
  struct sigaction action {};
  sigaction(signal_number, nullptr, &action);
  return action.sa_handler;
}

// Every test starts from a known state: only SIGUSR2 blocked.
struct OriginalState {
  OriginalState() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_SETMASK, &mask, nullptr);
  }
  ~OriginalState() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGCHLD, SIG_DFL);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(blocks_the_forwarded_signals_and_restores_the_original_mask, OriginalState) {
  SupervisorSignals signals;
  const sigset_t blocked = current_mask();
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM, SIGCHLD,
                            SIGTTIN, SIGTTOU}) {
    BOOST_TEST(sigismember(&blocked, signal_number) == 1, "not blocked: " << signal_number);
  }
  BOOST_TEST(sigismember(&blocked, SIGSEGV) == 0);
  BOOST_TEST(sigismember(&signals.waited(), SIGCHLD) == 1);
  BOOST_TEST(sigismember(&signals.waited(), SIGTERM) == 1);
  BOOST_TEST(sigismember(&signals.waited(), SIGTTOU) == 0);

  signals.restore_original();
  const sigset_t restored = current_mask();
  for (int signal_number = 1; signal_number < 32; ++signal_number)
    BOOST_TEST(sigismember(&restored, signal_number) == (signal_number == SIGUSR2 ? 1 : 0), "signal " << signal_number);
}

BOOST_FIXTURE_TEST_CASE(an_ignored_sigchld_is_reset_and_given_back, OriginalState) {
  signal(SIGCHLD, SIG_IGN);
  SupervisorSignals signals;
  BOOST_TEST((current_disposition(SIGCHLD) == SIG_DFL));
  signals.restore_original();
  BOOST_TEST((current_disposition(SIGCHLD) == SIG_IGN));
}

BOOST_FIXTURE_TEST_CASE(other_ignored_signals_stay_ignored_throughout, OriginalState) {
  signal(SIGHUP, SIG_IGN);
  SupervisorSignals signals;
  BOOST_TEST((current_disposition(SIGHUP) == SIG_IGN));
  signals.restore_original();
  BOOST_TEST((current_disposition(SIGHUP) == SIG_IGN));
  signal(SIGHUP, SIG_DFL);
}
