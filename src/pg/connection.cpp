#include "pg/connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include "core/text.hpp"

namespace dbinit {

IoStatus wait_socket(int socket, bool for_write, Deadline deadline, StopSignals& stop) {
  for (;;) {
    if (stop.received()) return IoStatus::stopped;
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return IoStatus::timed_out;
      timeout_ms = static_cast<int>(std::min<long long>(left, 60'000));
    }
    pollfd watch[2] = {{socket, static_cast<short>(for_write ? POLLOUT : POLLIN), 0}, {stop.fd(), POLLIN, 0}};
    const int ready = ::poll(watch, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) return IoStatus::failed;
    if (ready > 0 && watch[0].revents != 0) return IoStatus::ready;
  }
}

namespace {

// Asks the server to stop the running statement, within cancel_bound: the
// request opens a connection of its own, which a dead link would hold for
// minutes. Past the bound it goes on alone on its thread (best effort: the
// caller drops the connection next, which rolls back an open transaction).
void cancel_running_query(PGconn* connection) {
  PGcancel* cancel = PQgetCancel(connection);
  if (!cancel) return;
  auto sent = std::make_shared<std::promise<void>>();
  auto done = sent->get_future();
  std::thread([cancel, sent] {
    char error[256];
    PQcancel(cancel, error, sizeof error);
    PQfreeCancel(cancel);
    sent->set_value();
  }).detach();
  done.wait_for(cancel_bound);
}

// After a cancel: the server's answer, if it comes within cancel_bound. A
// stop signal is pending by now, so this waits on the socket alone.
bool await_answer(PGconn* connection, std::vector<PgResult>& results) {
  const auto deadline = Clock::now() + cancel_bound;
  for (;;) {
    while (PQisBusy(connection)) {
      const auto left = std::chrono::ceil<Milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd watch{PQsocket(connection), POLLIN, 0};
      const int ready = ::poll(&watch, 1, static_cast<int>(left));
      if (ready < 0 && errno != EINTR) return false;
      if (ready > 0 && !PQconsumeInput(connection)) return false;
    }
    PgResult result(PQgetResult(connection));
    if (!result) return PQstatus(connection) != CONNECTION_BAD;
    results.push_back(std::move(result));
  }
}

}  // namespace

QueryOutcome run_query(PGconn* connection, std::string_view sql, Deadline deadline, StopSignals& stop) {
  QueryOutcome outcome;
  auto fail = [&](IoStatus status, std::string error) {
    if (status == IoStatus::timed_out || status == IoStatus::stopped) {
      cancel_running_query(connection);
      outcome.settled = await_answer(connection, outcome.results);
    }
    outcome.status = status;
    outcome.error = std::move(error);
    return std::move(outcome);
  };
  PQsetnonblocking(connection, 1);
  if (!PQsendQuery(connection, std::string(sql).c_str()))
    return fail(IoStatus::failed, single_line(PQerrorMessage(connection)));
  // Push the whole query out; a large migration may not fit the socket buffer.
  for (int flushed; (flushed = PQflush(connection)) != 0;) {
    if (flushed < 0) return fail(IoStatus::failed, single_line(PQerrorMessage(connection)));
    const auto status = wait_socket(PQsocket(connection), true, deadline, stop);
    if (status != IoStatus::ready) return fail(status, "query interrupted while sending");
  }
  for (;;) {
    while (PQisBusy(connection)) {
      const auto status = wait_socket(PQsocket(connection), false, deadline, stop);
      if (status != IoStatus::ready) return fail(status, "query interrupted while waiting for the server");
      if (!PQconsumeInput(connection)) return fail(IoStatus::failed, single_line(PQerrorMessage(connection)));
    }
    PgResult result(PQgetResult(connection));
    if (!result) break;
    outcome.results.push_back(std::move(result));
  }
  if (PQstatus(connection) == CONNECTION_BAD) return fail(IoStatus::failed, single_line(PQerrorMessage(connection)));
  return outcome;
}

std::optional<std::string_view> Rows::value(int row, const char* column) const {
  const int field = PQfnumber(result_, column);
  if (field < 0 || row < 0 || row >= count() || PQgetisnull(result_, row, field)) return std::nullopt;
  return std::string_view(PQgetvalue(result_, row, field));
}

std::optional<StatementError> first_error(const std::vector<PgResult>& results) {
  for (const auto& result : results) {
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
      StatementError error;
      const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
      error.message = single_line(primary ? primary : PQresultErrorMessage(result.get()));
      if (const char* code = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE)) error.sqlstate = code;
      if (const char* detail = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL)) error.detail = detail;
      if (const char* table = PQresultErrorField(result.get(), PG_DIAG_TABLE_NAME)) error.table = table;
      if (const char* position = PQresultErrorField(result.get(), PG_DIAG_STATEMENT_POSITION))
        error.position = std::atoi(position);  // the server always sends digits here
      return error;
    }
  }
  return std::nullopt;
}

}  // namespace dbinit
