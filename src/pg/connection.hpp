#pragma once
// RAII owners for libpq handles and the one I/O primitive every database
// phase uses: run SQL without blocking, bounded by a deadline and
// interruptible by a stop signal.
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/stop_signals.hpp"

namespace dbinit {

struct PgConnectionDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnectionDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

enum class IoStatus { ready, timed_out, stopped, failed };

// Waits until the socket is ready for reading (or writing), the deadline
// passes, or a stop signal arrives.
IoStatus wait_socket(int socket, bool for_write, Deadline deadline, StopSignals& stop);

struct QueryOutcome {
  IoStatus status = IoStatus::ready;
  std::vector<PgResult> results;  // one per statement that ran
  std::string error;              // connection-level failure, if status != ready
  // Stopped or timed out: the server answered after the cancel request, so
  // `results` say how the query ended (an error, 57014 if the cancel took;
  // otherwise it had finished, and committed). False: nobody knows.
  bool settled = false;
};

// How long a stop waits for the cancel request, and then for the server's
// answer to it: a stop acts within about a second whatever the network does.
inline constexpr Milliseconds cancel_bound{500};

// Sends sql (one or more statements, simple query protocol) and collects
// every result. On timeout or stop the running query is cancelled, and the
// server's answer awaited for a moment (see QueryOutcome::settled).
QueryOutcome run_query(PGconn* connection, std::string_view sql, Deadline deadline, StopSignals& stop);

// The first failed result's error message, SQLSTATE and position, if any.
struct StatementError {
  std::string message;
  std::string sqlstate;
  std::optional<int> position;  // 1-based character offset into the sent SQL
  std::string detail;           // the server's DETAIL, lines as sent
  std::string table;            // the table a constraint violation names, if any
};
std::optional<StatementError> first_error(const std::vector<PgResult>& results);

// The rows of one result, read by column name (the names the statement
// gives them), never by position: a statement and its reader agree on
// names, so a column added or moved in one cannot be misread by the other.
class Rows {
 public:
  explicit Rows(const PGresult* result) : result_(result) {}
  // 0 when the result holds no rows (a command, an error).
  int count() const { return PQresultStatus(result_) == PGRES_TUPLES_OK ? PQntuples(result_) : 0; }
  bool has(const char* column) const { return PQfnumber(result_, column) >= 0; }
  // nullopt for NULL, or when the result has no such column.
  std::optional<std::string_view> value(int row, const char* column) const;
  // "" for NULL or no such column.
  std::string text(int row, const char* column) const { return std::string(value(row, column).value_or("")); }

 private:
  const PGresult* result_;
};

}  // namespace dbinit
