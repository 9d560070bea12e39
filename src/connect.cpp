#include "connect.hpp"

#include <unistd.h>

#include <vector>

#include "log.hpp"

namespace dbinit {

namespace {

PgConnection start_connection(const ConnectionTarget& target) {
  // fallback_application_name lets a URL's own application_name win.
  // Later keywords override earlier ones, so the host override follows the
  // expanded connection string.
  std::vector<const char*> keywords{"fallback_application_name"};
  std::vector<const char*> values{target.application_name.c_str()};
  if (!target.conninfo.empty()) {
    keywords.push_back("dbname");  // expand_dbname turns this into the whole string
    values.push_back(target.conninfo.c_str());
  }
  if (target.host_override) {
    keywords.push_back("host");
    values.push_back(target.host_override->c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PgConnection connection(PQconnectStartParams(keywords.data(), values.data(), 1));
  // Server notices ("relation already exists, skipping") go to the log, not
  // straight to stderr where they would interleave with the app's output.
  if (connection)
    PQsetNoticeProcessor(connection.get(), [](void*, const char* message) { log::debug("postgres", message); }, nullptr);
  return connection;
}

}  // namespace

ConnectAttempt connect_once(const ConnectionTarget& target, Milliseconds timeout, StopSignals& stop,
                            const std::string& probe_sql) {
  ConnectAttempt attempt;
  const Deadline deadline = Clock::now() + timeout;
  PgConnection connection = start_connection(target);
  if (!connection) {
    attempt.error = "out of memory starting a connection";
    return attempt;
  }
  auto failed = [&](IoStatus status) {
    if (status == IoStatus::stopped) attempt.stop_signal = stop.received();
    if (status == IoStatus::timed_out) {
      attempt.timed_out = true;
      attempt.error = "timeout: no answer within " + format_duration(timeout);
    } else if (status == IoStatus::failed || attempt.error.empty()) {
      attempt.error = single_line(PQerrorMessage(connection.get()));
    }
    return std::move(attempt);
  };
  if (PQstatus(connection.get()) == CONNECTION_BAD) return failed(IoStatus::failed);

  // libpq walks through every address of every host itself (IPv6 failing
  // fast, IPv4 next); the socket can change between polls, so ask each time.
  for (auto polling = PGRES_POLLING_WRITING; polling != PGRES_POLLING_OK;) {
    if (polling == PGRES_POLLING_FAILED) return failed(IoStatus::failed);
    const auto status = wait_socket(PQsocket(connection.get()), polling == PGRES_POLLING_WRITING, deadline, stop);
    if (status != IoStatus::ready) return failed(status);
    polling = PQconnectPoll(connection.get());
  }

  auto probe = run_query(connection.get(), probe_sql, deadline, stop);
  if (probe.status != IoStatus::ready) {
    attempt.error = probe.error;
    return failed(probe.status);
  }
  // Class 57 (e.g. 57P03 cannot_connect_now) and 08 (connection exception)
  // mean the server is not ready yet; any other answer means it is.
  if (auto error = first_error(probe.results);
      error && (error->sqlstate.starts_with("57") || error->sqlstate.starts_with("08"))) {
    attempt.error = error->message;
    return attempt;
  }
  attempt.probe_results = std::move(probe.results);
  attempt.connection = std::move(connection);
  return attempt;
}

std::optional<std::string> conninfo_error(const std::string& conninfo) {
  if (conninfo.empty()) return std::nullopt;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  std::optional<std::string> message;
  if (!options) message = error ? single_line(error) : "out of memory";
  PQconninfoFree(options);
  PQfreemem(error);
  return message;
}

std::string host_name() {
  char host[256] = {};
  // An unnamed host is harmless: the name is only a label in logs and tables.
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return host;
}

std::string default_application_name() { return ("dbinit/" DBINIT_VERSION "@" + host_name()).substr(0, 63); }

}  // namespace dbinit
