#pragma once
// The wait phase: connection attempts with exponential backoff and full
// jitter until the database answers the session's first read, a fatal error,
// the wait timeout (or the attempt limit) or a stop signal.
#include <optional>
#include <string>
#include <vector>

#include "pg/connect.hpp"
#include "pg/session.hpp"

namespace dbinit {

enum class WaitResult { ready, fatal, timed_out, stopped };

struct Attempts {
  WaitResult result = WaitResult::timed_out;
  PgConnection connection;          // when ready
  std::vector<PgResult> first_read; // when ready
  std::string last_error;
  unsigned count = 0;
  std::optional<int> stop_signal;
};

// The loop itself; logs every attempt and the outcome. Session::reconnect()
// runs it again.
Attempts attempt_until_ready(const SessionSettings& settings, StopSignals& stop);

struct WaitOutcome {
  std::optional<Session> session;  // set when the database is ready
  int exit_code = 0;               // otherwise: 3, or 128+N for stop signal N
};

WaitOutcome wait_for_database(SessionSettings settings, StopSignals& stop);

}  // namespace dbinit
