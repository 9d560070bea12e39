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

enum class WaitResult { ready, fatal, timed_out, stopped, ended_by_work };

struct Attempts {
  WaitResult result = WaitResult::timed_out;
  PgConnection connection;          // when ready
  std::vector<PgResult> first_read; // when ready
  std::string last_error;
  unsigned count = 0;
  std::optional<int> stop_signal;
  std::optional<int> work_exit_code;  // when ended_by_work
};

// The loop itself; logs every attempt and the outcome. Session::reconnect()
// runs it again. work, when given, runs during the first attempt
// (pg/connect.hpp).
Attempts attempt_until_ready(const SessionSettings& settings, StopSignals& stop, const WorkWhileConnecting& work = {});

struct WaitOutcome {
  std::optional<Session> session;  // set when the database is ready
  int exit_code = 0;               // otherwise: 3, 128+N for stop signal N, or the work's code
};

// work runs exactly once before this returns: while the first attempt waits
// for the server, or, when the connection string is refused before any
// attempt, right then. An exit code it returns ends the wait with it.
WaitOutcome wait_for_database(SessionSettings settings, StopSignals& stop, const WorkWhileConnecting& work = {});

}  // namespace dbinit
