#pragma once
// One connection attempt: libpq's non-blocking connect driven by poll(),
// bounded by dbinit's own timeout (to the millisecond) and interruptible by a
// stop signal, followed by a trivial query. Only a query that answers proves
// the database is usable: Neon's proxy accepts TCP and even the startup
// message while the compute behind it is still asleep.
#include <optional>
#include <string>

#include "duration.hpp"
#include "pg.hpp"

namespace dbinit {

struct ConnectionTarget {
  std::string conninfo;          // URI or key=value; empty: libpq defaults, PG* variables
  std::string application_name;  // used unless conninfo names its own
  std::optional<std::string> host_override;  // replaces conninfo's host (derived direct Neon host)
};

struct ConnectAttempt {
  PgConnection connection;  // set on success
  std::vector<PgResult> probe_results;
  std::string error;        // one line, as libpq or the server said it
  bool timed_out = false;
  std::optional<int> stop_signal;
};

// probe_sql is the query that proves the server answers. The migrate phase
// passes its history read, so the no-op start needs no extra round trip; an
// SQL error in the probe (no history table yet) still proves the server is up.
ConnectAttempt connect_once(const ConnectionTarget& target, Milliseconds timeout, StopSignals& stop,
                            const std::string& probe_sql = "SELECT 1");

// Checks a connection string without connecting; returns libpq's complaint.
std::optional<std::string> conninfo_error(const std::string& conninfo);

// This machine's (container's) name; empty if it has none.
std::string host_name();
// "dbinit/0.1.0@hostname", within PostgreSQL's 63-byte name limit.
std::string default_application_name();

}  // namespace dbinit
