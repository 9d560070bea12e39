#include "core/backoff.hpp"

#include <sys/random.h>
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
  // getrandom(), not std::random_device: constructing one probes the CPU
  // for RDRAND with CPUID, which a virtual machine traps (a measurable part
  // of a no-op start). The clock and the PID alone still differ between
  // replicas should the kernel refuse (it cannot block: GRND_NONBLOCK).
  std::uint64_t entropy = 0;
  if (::getrandom(&entropy, sizeof entropy, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof entropy)) entropy = 0;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return entropy ^ static_cast<std::uint64_t>(now) ^ (static_cast<std::uint64_t>(getpid()) << 32);
}

}  // namespace dbinit
