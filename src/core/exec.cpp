#include "core/exec.hpp"

#include <cerrno>
#include <cstring>

namespace dbinit {

std::vector<char*> exec_argv(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  argv.reserve(command.size() + 1);
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

ExitCode exit_code_for_exec_error(int error_number) {
  return error_number == ENOENT || error_number == ENOTDIR ? ExitCode::not_found : ExitCode::not_executable;
}

std::string exec_error_message(const std::string& command, int error_number) {
  return std::string(exit_code_for_exec_error(error_number) == ExitCode::not_found ? "command not found: "
                                                                                    : "cannot execute: ") +
         command + " (" + std::strerror(error_number) + ")";
}

}  // namespace dbinit
