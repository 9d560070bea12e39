#pragma once
// While dbinit waits and migrates, SIGTERM, SIGINT, SIGHUP and SIGQUIT mean
// "stop now". They are blocked and read from a signalfd, so every wait in
// these phases is a poll() that includes this descriptor and returns at once.
// (As PID 1 the kernel drops signals that have no handler; a signalfd needs
// none.) The mask dbinit started with is kept so the command gets it back.
#include <signal.h>

#include <chrono>
#include <optional>

#include "core/unique_fd.hpp"

namespace dbinit {

// SIGTERM, SIGINT, SIGHUP or SIGQUIT.
bool is_stop_signal(int signal_number);

class StopSignals {
 public:
  StopSignals();  // blocks the stop signals; throws std::system_error on failure
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  int fd() const { return fd_.get(); }
  // The signal received, if any, without waiting.
  std::optional<int> received();
  // Sleeps for duration unless a stop signal arrives first; returns it.
  std::optional<int> sleep(std::chrono::milliseconds duration);
  // Puts back the mask dbinit was started with (before exec).
  void restore_original_mask();

 private:
  sigset_t original_mask_{};
  UniqueFd fd_;
  std::optional<int> received_;
};

}  // namespace dbinit
