#pragma once
// The supervisor's signal set-up, and the way back for the child.
//
// Before fork, every signal the supervisor forwards (and SIGCHLD) is blocked,
// so one sent in the window between fork and the first sigwaitinfo() stays
// pending instead of being lost or killing dbinit. The supervisor takes them
// with sigwaitinfo() and never installs a handler: as PID 1 the kernel drops
// unblocked signals that have no handler, blocked ones it always queues.
//
// COMMAND must start the way dbinit itself was started, and so must the
// child that runs the phases: each puts back the original mask and SIGCHLD
// disposition before anything else.
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

  // In a child: the mask and SIGCHLD disposition dbinit was started with.
  // Changes nothing in this object (safe in a vfork() child, which shares
  // the supervisor's memory).
  void restore_original() const;

 private:
  sigset_t waited_{};
  sigset_t original_mask_{};
  struct sigaction original_sigchld_ {};
  bool sigchld_changed_ = false;
};

}  // namespace dbinit
