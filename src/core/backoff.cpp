#include "core/backoff.hpp"

#include <unistd.h>

#include <chrono>

namespace dbinit {

BackoffSchedule::BackoffSchedule(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

Milliseconds BackoffSchedule::ceiling(unsigned attempt) const {
  auto bound = policy_.initial;
  for (unsigned i = 0; i < attempt && bound < policy_.max; ++i) bound *= 2;
  return std::min(bound, policy_.max);
}

Milliseconds BackoffSchedule::next() {
  const auto bound = ceiling(attempt_++);
  std::uniform_int_distribution<Milliseconds::rep> pick(0, bound.count());
  return Milliseconds(pick(random_));
}

std::uint64_t random_seed() {
  std::random_device device;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return (std::uint64_t{device()} << 32) ^ static_cast<std::uint64_t>(now) ^ static_cast<std::uint64_t>(getpid());
}

}  // namespace dbinit
