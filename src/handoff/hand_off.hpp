#pragma once
// The hand-off in exec mode, the last phase: dbinit becomes COMMAND (same
// PID), with the environment unchanged and the signal mask it was started
// with. In supervise mode the supervisor starts COMMAND itself
// (supervise/supervisor.hpp).
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "core/stop_signals.hpp"

namespace dbinit {

// Returns only on failure, with the exit code; the error is logged.
ExitCode hand_off(const std::vector<std::string>& argv, StopSignals& stop);

}  // namespace dbinit
