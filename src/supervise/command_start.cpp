#include "supervise/command_start.hpp"

#include <unistd.h>

#include <cerrno>

#include "core/exec.hpp"

namespace dbinit {

CommandStart start_command(const std::vector<std::string>& command, const SupervisorSignals& signals) {
  const auto argv = exec_argv(command);
  const bool take_terminal = ::tcgetpgrp(STDIN_FILENO) == ::getpgrp();
  volatile int group_error = 0, terminal_error = 0, exec_error = 0;
  const pid_t pid = ::vfork();
  if (pid == 0) {
    if (::setpgid(0, 0) != 0)
      group_error = errno;
    else if (take_terminal && ::tcsetpgrp(STDIN_FILENO, ::getpid()) != 0)
      terminal_error = errno;
    signals.restore_original();
    ::execvp(argv[0], argv.data());
    exec_error = errno;
    ::_exit(to_int(ExitCode::not_found));
  }
  CommandStart start;
  if (pid < 0) {
    start.fork_error = errno;
    return start;
  }
  start.pid = pid;
  start.group_error = group_error;
  start.terminal_error = terminal_error;
  start.exec_error = exec_error;
  return start;
}

}  // namespace dbinit
