#include "pg/idle_work.hpp"

#include <poll.h>

#include <algorithm>

namespace dbinit {

void IdleWork::add_if_idle(std::function<void()> step) {
  pending_.push_back({[step = std::move(step)]() -> std::optional<int> {
                        step();
                        return std::nullopt;
                      },
                      false});
}

void IdleWork::add_required(Step step) { pending_.push_back({std::move(step), true}); }

std::optional<int> IdleWork::run(std::deque<Pending>::iterator at) {
  const Step step = std::move(at->run);
  pending_.erase(at);
  const auto started = Clock::now();
  auto exit_code = step();
  spent_ += Clock::now() - started;
  if (exit_code) pending_.clear();
  return exit_code;
}

std::optional<int> IdleWork::run_while_waiting(int socket, bool for_write) {
  while (!pending_.empty() && !socket_ready_now(socket, for_write))
    if (auto exit_code = run(pending_.begin())) return exit_code;
  return std::nullopt;
}

std::optional<int> IdleWork::run_required() {
  for (;;) {
    const auto at = std::ranges::find_if(pending_, &Pending::required);
    if (at == pending_.end()) return std::nullopt;
    if (auto exit_code = run(at)) return exit_code;
  }
}

std::optional<int> IdleWork::finish() {
  auto exit_code = run_required();
  pending_.clear();
  return exit_code;
}

bool socket_ready_now(int socket, bool for_write) {
  // A failed poll says "not ready": the wait that follows reports it.
  pollfd watch{socket, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  return ::poll(&watch, 1, 0) > 0 && watch.revents != 0;
}

}  // namespace dbinit
