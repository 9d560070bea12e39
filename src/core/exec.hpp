#pragma once
// What both ways dbinit starts COMMAND share (the hand-off's execvp() in
// exec mode, the supervisor's vfork() in supervise mode): the argument
// vector execvp() takes, and what a failure means.
#include <string>
#include <vector>

#include "core/exit_code.hpp"

namespace dbinit {

// Pointers into `command` for execvp(), ending with nullptr; valid while
// `command` is. Built before any fork: a vfork() child must not allocate.
std::vector<char*> exec_argv(const std::vector<std::string>& command);

// 127 when the command is not there, 126 when it is there but cannot be
// executed (as shells do).
ExitCode exit_code_for_exec_error(int error_number);

// "command not found: NAME (reason)" or "cannot execute: NAME (reason)".
std::string exec_error_message(const std::string& command, int error_number);

}  // namespace dbinit
