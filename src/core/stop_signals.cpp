#include "core/stop_signals.hpp"

#include <poll.h>
#include <sys/signalfd.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace dbinit {

namespace {

constexpr int stop_signal_numbers[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : stop_signal_numbers) sigaddset(&set, signal_number);
  return set;
}

}  // namespace

bool is_stop_signal(int signal_number) {
  for (int stop_signal : stop_signal_numbers)
    if (signal_number == stop_signal) return true;
  return false;
}

StopSignals::StopSignals() {
  const sigset_t set = stop_signal_set();
  if (sigprocmask(SIG_BLOCK, &set, &original_mask_) != 0)
    throw std::system_error(errno, std::generic_category(), "blocking stop signals");
  fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) throw std::system_error(errno, std::generic_category(), "creating signalfd");
}

StopSignals::~StopSignals() { restore_original_mask(); }

std::optional<int> StopSignals::received() {
  if (received_ || !fd_) return received_;
  signalfd_siginfo info{};
  if (::read(fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
    received_ = static_cast<int>(info.ssi_signo);
  return received_;
}

std::optional<int> StopSignals::sleep(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!received()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd watch{fd_.get(), POLLIN, 0};
    const auto slice = std::min(left, std::chrono::milliseconds(60'000));
    // EINTR only shortens the sleep; the loop recomputes what is left. Any
    // other failure (ENOMEM) must not make the loop spin: the slice is
    // slept without watching, and a stop is noticed after it.
    if (::poll(&watch, 1, static_cast<int>(slice.count())) < 0 && errno != EINTR) std::this_thread::sleep_for(slice);
  }
  return received_;
}

void StopSignals::restore_original_mask() {
  fd_.reset();
  // Cannot fail with a valid how and set.
  sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
}

}  // namespace dbinit
