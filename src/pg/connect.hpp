#pragma once
// One connection attempt: libpq's non-blocking connect driven by poll(),
// bounded by dbinit's own timeout (to the millisecond) and interruptible by a
// stop signal, followed by the session's first read. Only a query that
// answers proves the database is usable: Neon's proxy accepts TCP and even
// the startup message while the compute behind it is still asleep.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/target.hpp"

namespace dbinit {

// Work that needs no database, done while a connection attempt waits for
// the server (pg/idle_work.hpp). An exit code it returns ends the attempt
// at once, before any authentication: the server sees at most a connection
// that closed unused. nullopt lets the attempt go on.
using WorkWhileConnecting = std::function<std::optional<int>()>;

struct ConnectAttempt {
  PgConnection connection;              // set on success
  std::vector<PgResult> first_read;     // what first_read_sql returned, on success
  std::string error;                    // one line, as libpq or the server said it
  std::optional<int> stop_signal;
  std::optional<int> work_exit_code;    // the work ended the attempt with this code
};

// An SQL error in the first read (no history table yet) still proves the
// server is up; only class 57 (not ready yet) and 08 (connection) do not.
// work, when given, runs once: the first time the attempt would wait for
// the server, and at the latest before any credential is sent, or when the
// attempt fails (even to start); the timeout leaves its time out. OpenSSL's
// first use runs beside it, on a thread (pg/crypto_warm_up.hpp).
ConnectAttempt connect_once(const ConnectionTarget& target, Milliseconds timeout, StopSignals& stop,
                            const std::string& first_read_sql, const WorkWhileConnecting& work = {});

}  // namespace dbinit
