#pragma once
// The wait phase: connect attempts with exponential backoff and full jitter
// until the database answers, a fatal error, the wait timeout or a stop signal.
#include <cstdint>
#include <optional>
#include <string>

#include "backoff.hpp"
#include "connect.hpp"

namespace dbinit {

struct WaitSettings {
  Milliseconds timeout{60'000};  // 0: forever
  Milliseconds connect_timeout{5'000};
  BackoffPolicy backoff;
  std::uint64_t seed = 0;
  std::string probe_sql = "SELECT 1";
};

enum class WaitResult { ready, fatal, timed_out, stopped };

struct WaitOutcome {
  WaitResult result = WaitResult::timed_out;
  PgConnection connection;             // when ready: an open connection
  std::vector<PgResult> probe_results; // when ready: what probe_sql returned
  std::string last_error;
  unsigned attempts = 0;
  Milliseconds elapsed{0};
  std::optional<int> stop_signal;
};

WaitOutcome wait_for_database(const ConnectionTarget& target, const WaitSettings& settings, StopSignals& stop);

}  // namespace dbinit
