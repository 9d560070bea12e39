#include "core/exec_error.hpp"

#include <cerrno>
#include <cstring>

namespace dbinit {

ExitCode exit_code_for_exec_error(int error_number) {
  return error_number == ENOENT || error_number == ENOTDIR ? ExitCode::not_found : ExitCode::not_executable;
}

std::string exec_error_message(const std::string& command, int error_number) {
  return std::string(exit_code_for_exec_error(error_number) == ExitCode::not_found ? "command not found: "
                                                                                    : "cannot execute: ") +
         command + " (" + std::strerror(error_number) + ")";
}

}  // namespace dbinit
