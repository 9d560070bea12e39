#include "supervise/signals.hpp"

#include <cerrno>
#include <system_error>

#include "supervise/policy.hpp"

namespace dbinit {

SupervisorSignals::SupervisorSignals() {
  sigemptyset(&waited_);
  for (int signal_number = 1; signal_number < NSIG; ++signal_number)
    if (is_forwarded(signal_number)) sigaddset(&waited_, signal_number);
  sigaddset(&waited_, SIGCHLD);

  // TTIN/TTOU are blocked but never waited for: a supervisor left in the
  // background of a terminal may still write its log lines (a blocked SIGTTOU
  // lets write() through), and the child can take the terminal's foreground
  // (tcsetpgrp) before it puts the original mask back.
  sigset_t blocked = waited_;
  sigaddset(&blocked, SIGTTIN);
  sigaddset(&blocked, SIGTTOU);
  if (sigprocmask(SIG_BLOCK, &blocked, &original_mask_) != 0)
    throw std::system_error(errno, std::generic_category(), "blocking the forwarded signals");

  if (sigaction(SIGCHLD, nullptr, &original_sigchld_) != 0)
    throw std::system_error(errno, std::generic_category(), "reading the SIGCHLD disposition");
  // With SIGCHLD ignored (or SA_NOCLDWAIT) the kernel reaps children itself
  // and their exit codes are lost; the caller's choice is for COMMAND, which
  // gets it back in restore_original().
  if (original_sigchld_.sa_handler == SIG_IGN || (original_sigchld_.sa_flags & SA_NOCLDWAIT)) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    if (sigaction(SIGCHLD, &default_action, nullptr) != 0)
      throw std::system_error(errno, std::generic_category(), "resetting an ignored SIGCHLD to its default");
    sigchld_changed_ = true;
  }
}

void SupervisorSignals::restore_original() const {
  // Neither call can fail: the action and the mask are the ones the kernel
  // handed out above.
  if (sigchld_changed_) sigaction(SIGCHLD, &original_sigchld_, nullptr);
  sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
}

}  // namespace dbinit
