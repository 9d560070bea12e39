#pragma once
// Exponential backoff with full jitter: the n-th delay is uniform in
// [0, min(max, initial * 2^n)]. Jitter spreads replicas that start together
// so they do not hammer a waking database (or the migration lock) in step.
#include <cstdint>
#include <random>

#include "core/clock.hpp"

namespace dbinit {

struct BackoffPolicy {
  Milliseconds initial{200};
  Milliseconds max{5000};
};

class BackoffSchedule {
 public:
  BackoffSchedule(BackoffPolicy policy, std::uint64_t seed);

  // Upper bound of the n-th delay (n counts from 0): min(max, initial * 2^n).
  Milliseconds ceiling(unsigned attempt) const;
  // The next delay; advances the attempt count.
  Milliseconds next();
  unsigned attempts() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 random_;
  unsigned attempt_ = 0;
};

// A seed that differs between processes started in the same instant.
std::uint64_t random_seed();

}  // namespace dbinit
