#pragma once
// What a failed start of COMMAND means, for both ways dbinit starts it: the
// hand-off's execvp() in exec mode, the supervisor's spawn in supervise mode.
#include <string>

#include "core/exit_code.hpp"

namespace dbinit {

// 127 when the command is not there, 126 when it is there but cannot be
// executed (as shells do).
ExitCode exit_code_for_exec_error(int error_number);

// "command not found: NAME (reason)" or "cannot execute: NAME (reason)".
std::string exec_error_message(const std::string& command, int error_number);

}  // namespace dbinit
