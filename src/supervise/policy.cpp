#include "supervise/policy.hpp"

#include <signal.h>
#include <sys/wait.h>

#include "core/exit_code.hpp"

namespace dbinit {

Mode resolve_mode(Mode requested, bool is_pid_1) {
  if (requested != Mode::automatic) return requested;
  return is_pid_1 ? Mode::supervise : Mode::exec;
}

bool should_supervise(Mode requested, bool hands_off, bool is_pid_1) {
  return hands_off && resolve_mode(requested, is_pid_1) == Mode::supervise;
}

bool is_forwarded(int signal_number) {
  switch (signal_number) {
    case SIGKILL: case SIGSTOP: case SIGCHLD:
    case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP: case SIGSYS: case SIGABRT:
    case SIGTTIN: case SIGTTOU:
      return false;
    default:
      // 32 and 33 are glibc's own (thread cancellation, setxid); SIGRTMIN
      // starts above them.
      return (signal_number >= 1 && signal_number < 32) ||
             (signal_number >= SIGRTMIN && signal_number <= SIGRTMAX);
  }
}

int mapped_signal(int received, const std::vector<SignalMapping>& map) {
  // One lookup, no chaining (TERM:INT with INT:QUIT still sends INT for TERM);
  // for the same FROM given twice, the later one wins, as later options do.
  int result = received;
  for (const auto& mapping : map)
    if (mapping.from == received) result = mapping.to;
  return result;
}

int exit_code_for_wait_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) return exit_code_for_signal(WTERMSIG(wait_status));
  return WEXITSTATUS(wait_status);
}

}  // namespace dbinit
