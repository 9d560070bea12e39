#include "supervise/reaper.hpp"

#include <sys/wait.h>

#include <cerrno>

namespace dbinit {

std::optional<int> reap_exited_children(pid_t watched) {
  std::optional<int> watched_status;
  for (;;) {
    int status = 0;
    const pid_t reaped = ::waitpid(-1, &status, WNOHANG);
    if (reaped < 0 && errno == EINTR) continue;
    // 0: children left, none exited; ECHILD: no child at all. Nothing else
    // can come back from waitpid(-1, ..., WNOHANG).
    if (reaped <= 0) break;
    if (reaped == watched) watched_status = status;
  }
  return watched_status;
}

bool has_children() {
  siginfo_t info{};
  // WNOWAIT leaves an exited child for reap_exited_children(); ECHILD is the
  // only failure and means there is none.
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

}  // namespace dbinit
