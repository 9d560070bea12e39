#pragma once
// One connection attempt: libpq's non-blocking connect driven by poll(),
// bounded by dbinit's own timeout (to the millisecond) and interruptible by a
// stop signal, followed by the session's first read. Only a query that
// answers proves the database is usable: Neon's proxy accepts TCP and even
// the startup message while the compute behind it is still asleep.
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/target.hpp"

namespace dbinit {

struct ConnectAttempt {
  PgConnection connection;              // set on success
  std::vector<PgResult> first_read;     // what first_read_sql returned, on success
  std::string error;                    // one line, as libpq or the server said it
  std::optional<int> stop_signal;
};

// An SQL error in the first read (no history table yet) still proves the
// server is up; only class 57 (not ready yet) and 08 (connection) do not.
// OpenSSL's first use runs beside the attempt, on a thread
// (pg/crypto_warm_up.hpp).
ConnectAttempt connect_once(const ConnectionTarget& target, Milliseconds timeout, StopSignals& stop,
                            const std::string& first_read_sql);

}  // namespace dbinit
