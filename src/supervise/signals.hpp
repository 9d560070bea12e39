#pragma once
// The supervisor's signal set-up, and the way back for the child.
//
// Before fork, every signal the supervisor forwards (and SIGCHLD) is blocked,
// so one sent in the window between fork and the first sigwaitinfo() stays
// pending instead of being lost or killing dbinit. The supervisor takes them
// with sigwaitinfo() and never installs a handler: as PID 1 the kernel drops
// unblocked signals that have no handler, blocked ones it always queues.
//
// The child must start COMMAND the way dbinit itself was started, so it
// puts back the original mask and SIGCHLD disposition right after fork.
#include <signal.h>

namespace dbinit {

class SupervisorSignals {
 public:
  // Throws std::system_error when the mask or SIGCHLD cannot be set.
  SupervisorSignals();
  // No destructor undoes the blocking in the supervisor: it keeps the mask
  // until it exits, or a late SIGTERM would kill it instead of being ignored.
  SupervisorSignals(const SupervisorSignals&) = delete;
  SupervisorSignals& operator=(const SupervisorSignals&) = delete;

  // The forwarded signals and SIGCHLD: what the supervisor sleeps on.
  const sigset_t& waited() const { return waited_; }

  // In the child: the mask and SIGCHLD disposition dbinit was started with.
  void restore_original();

 private:
  sigset_t waited_{};
  sigset_t original_mask_{};
  struct sigaction original_sigchld_ {};
  bool sigchld_changed_ = false;
  bool active_ = false;
};

}  // namespace dbinit
