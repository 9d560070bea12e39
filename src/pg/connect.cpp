#include "pg/connect.hpp"

#include "core/duration.hpp"
#include "core/text.hpp"
#include "log/log.hpp"
#include "pg/crypto_warm_up.hpp"

namespace dbinit {

namespace {

PgConnection start_connection(const ConnectionTarget& target) {
  // fallback_application_name lets a URL's own application_name win.
  // Later keywords override earlier ones, so the host override follows the
  // expanded connection string.
  std::vector<const char*> keywords{"fallback_application_name"};
  std::vector<const char*> values{target.application_name.c_str()};
  // Before the connection string, which may set its own.
  for (const auto& [keyword, value] : target.defaults) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  if (!target.conninfo.empty()) {
    keywords.push_back("dbname");  // expand_dbname turns this into the whole string
    values.push_back(target.conninfo.c_str());
  }
  if (target.host_override) {
    keywords.push_back("host");
    values.push_back(target.host_override->c_str());
  }
  for (const auto& [keyword, value] : target.overrides) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PgConnection connection(PQconnectStartParams(keywords.data(), values.data(), 1));
  // Server notices ("relation already exists, skipping") go to the log, not
  // straight to stderr where they would interleave with the app's output.
  // noexcept: libpq (C) calls it, and the static build keeps no unwind
  // tables for C code (cmake/static.cmake); a failure to log is no reason
  // to stop.
  if (connection)
    PQsetNoticeProcessor(
        connection.get(),
        [](void*, const char* message) noexcept {
          try {
            log::debug(log::Phase::migrate, single_line(message));
          } catch (...) {
            // Harmless: only the notice is lost.
          }
        },
        nullptr);
  return connection;
}

}  // namespace

ConnectAttempt connect_once(const ConnectionTarget& target, Milliseconds timeout, StopSignals& stop,
                            const std::string& first_read_sql) {
  ConnectAttempt attempt;
  const Deadline deadline = Clock::now() + timeout;
  PgConnection connection = start_connection(target);
  auto failed = [&](IoStatus status) {
    if (status == IoStatus::stopped) attempt.stop_signal = stop.received();
    if (status == IoStatus::timed_out) {
      attempt.error = "timeout: no answer within " + format_duration(timeout);
    } else if (status == IoStatus::failed || attempt.error.empty()) {
      attempt.error = single_line(PQerrorMessage(connection.get()));
    }
    return std::move(attempt);
  };
  if (!connection) {
    attempt.error = "out of memory starting a connection";
    return attempt;
  }
  if (PQstatus(connection.get()) == CONNECTION_BAD) return failed(IoStatus::failed);

  // OpenSSL's first use (pg/crypto_warm_up.hpp), on a thread of its own
  // started once a server took the connection; joined on return, by when it
  // has long ended (a backend's fork and the password check take longer).
  std::jthread crypto_warm_up;
  // libpq walks through every address of every host itself (IPv6 failing
  // fast, IPv4 next); the socket can change between polls, so ask each time.
  for (auto polling = PGRES_POLLING_WRITING; polling != PGRES_POLLING_OK;) {
    if (polling == PGRES_POLLING_FAILED) return failed(IoStatus::failed);
    const int socket = PQsocket(connection.get());
    const bool for_write = polling == PGRES_POLLING_WRITING;
    const auto status = wait_socket(socket, for_write, deadline, stop);
    if (status != IoStatus::ready) return failed(status);
    polling = PQconnectPoll(connection.get());
    if (polling != PGRES_POLLING_FAILED && !crypto_warm_up.joinable())
      crypto_warm_up = start_crypto_warm_up(connection.get());
  }

  auto read = run_query(connection.get(), first_read_sql, deadline, stop);
  if (read.status != IoStatus::ready) {
    attempt.error = read.error;
    return failed(read.status);
  }
  // Class 57 (e.g. 57P03 cannot_connect_now) and 08 (connection exception)
  // mean the server is not ready yet; any other answer means it is.
  if (auto error = first_error(read.results);
      error && (error->sqlstate.starts_with("57") || error->sqlstate.starts_with("08"))) {
    attempt.error = error->message;
    return attempt;
  }
  attempt.first_read = std::move(read.results);
  attempt.connection = std::move(connection);
  return attempt;
}

}  // namespace dbinit
