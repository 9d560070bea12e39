#pragma once
// The hand-off, the last phase: dbinit becomes COMMAND (same PID, or the
// supervisor's child), with the environment unchanged and the signal mask it
// was started with.
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "core/stop_signals.hpp"

namespace dbinit {

// Exit code for an execvp() errno: 127 when the command is not there,
// 126 when it is there but cannot be executed (as shells do).
ExitCode exit_code_for_exec_error(int error_number);

// Returns only on failure, with the exit code; the error is logged.
ExitCode hand_off(const std::vector<std::string>& argv, StopSignals& stop);

}  // namespace dbinit
