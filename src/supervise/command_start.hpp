#pragma once
// Starting COMMAND from the resident supervisor: vfork(), a process group of
// its own, the terminal's foreground when dbinit held it, the signal state
// dbinit was started with, execvp().
#include <sys/types.h>

#include <string>
#include <vector>

#include "supervise/signals.hpp"

namespace dbinit {

// What start_command() learnt. A vfork() child shares the supervisor's
// memory until it execs, and the supervisor is suspended until then: the
// child writes these, the supervisor reads them once vfork() returns.
struct CommandStart {
  pid_t pid = -1;
  int fork_error = 0;      // vfork() failed: no child
  int group_error = 0;     // setpgid() failed in the child
  int terminal_error = 0;  // tcsetpgrp() failed in the child
  int exec_error = 0;      // execvp() failed: the child exited 127 at once
};

// Starts COMMAND as tini does, leading a process group of its own: a Ctrl-C
// from the terminal, or a signal sent to dbinit's process group (by
// `timeout`, a shell, a service manager), then reaches the command once,
// from dbinit, instead of once directly and once forwarded. An interactive
// command (docker run -it) must hold the terminal's foreground, or its first
// read stops it with SIGTTIN; it takes it only when dbinit held it (a
// supervisor started in the background must not steal it). Without a
// terminal tcgetpgrp() fails and there is nothing to take.
//
// vfork(): the child borrows the supervisor's memory until execvp(), so
// there is no copy of the page tables and no copy-on-write fault, the part
// of a fork that grows with the process. Until then the child only makes
// system calls (TTIN/TTOU are still blocked for tcsetpgrp, see signals.hpp)
// and allocates nothing: argv is built before.
CommandStart start_command(const std::vector<std::string>& command, const SupervisorSignals& signals);

}  // namespace dbinit
