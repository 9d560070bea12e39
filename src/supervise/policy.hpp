#pragma once
// The decisions of the resident supervisor, apart from the system calls that
// carry them out: which mode applies, which signals it forwards and as what,
// and which exit code a child's wait status becomes.
#include <vector>

#include "supervise/settings.hpp"

namespace dbinit {

// Mode::automatic resolves to supervise when dbinit is PID 1 (someone must
// reap zombies and forward signals there), to exec otherwise.
Mode resolve_mode(Mode requested, bool is_pid_1);

// Only a run that hands off to COMMAND supervises; wait, migrate, status and
// sql never fork.
bool should_supervise(Mode requested, bool hands_off, bool is_pid_1);

// Signals sent to the supervisor that it passes on (as tini does): all but
// those it cannot catch (KILL, STOP), SIGCHLD (its own business), the
// synchronous faults (they concern the faulting process only) and
// TTIN/TTOU (job-control noise from the terminal about the supervisor itself).
bool is_forwarded(int signal_number);

// The signal the child receives for one the supervisor received (--signal-map).
int mapped_signal(int received, const std::vector<SignalMapping>& map);

// Exit status as a shell reports it: the child's code, or 128+N when signal N
// killed it.
int exit_code_for_wait_status(int wait_status);

}  // namespace dbinit
