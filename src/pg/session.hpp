#pragma once
// The database session of one run, with one owner: where it connects, how it
// waits, what it reads first, the stop signals and the connection itself.
// The wait phase opens it (pg/wait.hpp); the migrate phase and the reports
// use it; when the connection breaks, it waits again with the same backoff
// and timeout and reads again.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.hpp"
#include "pg/connection.hpp"
#include "pg/target.hpp"

namespace dbinit {

struct SessionSettings {
  ConnectionTarget target;
  Milliseconds wait_timeout = default_wait_timeout;  // 0: forever
  Milliseconds connect_timeout = default_connect_timeout;
  BackoffPolicy backoff;
  unsigned max_attempts = 0;  // 0: as many as the wait timeout allows (--skip-wait: 1)
  // The query that proves the server answers. The migrate phase makes it its
  // history read, so a no-op start needs no extra round trip.
  std::string first_read_sql = "SELECT 1";
};

class Session {
 public:
  Session(SessionSettings settings, StopSignals& stop, PgConnection connection, std::vector<PgResult> first_read);

  PGconn* connection() const { return connection_.get(); }
  StopSignals& stop() const { return *stop_; }
  const SessionSettings& settings() const { return settings_; }

  // What the first read returned on the current connection; taken once.
  std::vector<PgResult> take_first_read();

  // The connection broke (or is in doubt): drop it, wait for the database
  // again and read again. nullopt when a stop signal came (stop().received())
  // or the database stayed out of reach (logged by the wait phase).
  std::optional<std::vector<PgResult>> reconnect();

 private:
  SessionSettings settings_;
  StopSignals* stop_;
  PgConnection connection_;
  std::vector<PgResult> first_read_;
};

}  // namespace dbinit
