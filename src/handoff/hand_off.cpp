#include "handoff/hand_off.hpp"

#include <unistd.h>

#include <cerrno>

#include "core/exec.hpp"
#include "log/log.hpp"

namespace dbinit {

ExitCode hand_off(const std::vector<std::string>& argv, StopSignals& stop) {
  const auto pointers = exec_argv(argv);
  log::info(log::Phase::hand_off, "starting command", {{"command", argv.front()}});
  stop.restore_original_mask();
  ::execvp(pointers[0], pointers.data());
  const int error_number = errno;
  log::error(log::Phase::hand_off, exec_error_message(argv.front(), error_number));
  return exit_code_for_exec_error(error_number);
}

}  // namespace dbinit
