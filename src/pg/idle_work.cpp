#include "pg/idle_work.hpp"

#include <poll.h>

#include <utility>

namespace dbinit {

std::optional<int> IdleWork::run_if_waiting(int socket, bool for_write) {
  if (!work_ || socket_ready_now(socket, for_write)) return std::nullopt;
  return run_now();
}

std::optional<int> IdleWork::run_now() {
  if (!work_) return std::nullopt;
  const WorkWhileConnecting work = std::exchange(work_, nullptr);
  const auto started = Clock::now();
  auto exit_code = work();
  spent_ += Clock::now() - started;
  return exit_code;
}

bool socket_ready_now(int socket, bool for_write) {
  // A failed poll says "not ready": the wait that follows reports it.
  pollfd watch{socket, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  return ::poll(&watch, 1, 0) > 0 && watch.revents != 0;
}

}  // namespace dbinit
