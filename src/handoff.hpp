#pragma once
// The last phase in exec mode: dbinit becomes COMMAND (same PID), with the
// environment unchanged and the signal mask it was started with.
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "stop_signals.hpp"

namespace dbinit {

// Exit code for an execvp() errno: 127 when the command is not there,
// 126 when it is there but cannot be executed (as shells do).
ExitCode exit_code_for_exec_error(int error_number);

// Returns only on failure, with the exit code; the error is logged.
ExitCode exec_command(const std::vector<std::string>& argv, StopSignals& stop);

}  // namespace dbinit
