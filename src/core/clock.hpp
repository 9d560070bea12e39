#pragma once
// The one clock every timeout, backoff and duration in dbinit is measured on.
#include <chrono>
#include <optional>

namespace dbinit {

using Milliseconds = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;  // nullopt: no limit

inline Milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<Milliseconds>(Clock::now() - start);
}

}  // namespace dbinit
