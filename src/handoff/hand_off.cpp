#include "handoff/hand_off.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log/log.hpp"

namespace dbinit {

ExitCode exit_code_for_exec_error(int error_number) {
  return error_number == ENOENT || error_number == ENOTDIR ? ExitCode::not_found : ExitCode::not_executable;
}

ExitCode hand_off(const std::vector<std::string>& argv, StopSignals& stop) {
  std::vector<char*> pointers;
  for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  log::info(log::Phase::hand_off, "starting command", {{"command", argv.front()}});
  stop.restore_original_mask();
  ::execvp(pointers[0], pointers.data());
  const int error_number = errno;
  const ExitCode code = exit_code_for_exec_error(error_number);
  log::error(log::Phase::hand_off, std::string(code == ExitCode::not_found ? "command not found: " : "cannot execute: ") +
                                       argv.front() + " (" + std::strerror(error_number) + ")");
  return code;
}

}  // namespace dbinit
