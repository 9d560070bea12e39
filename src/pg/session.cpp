#include "pg/session.hpp"

#include "pg/wait.hpp"

namespace dbinit {

Session::Session(SessionSettings settings, StopSignals& stop, PgConnection connection, std::vector<PgResult> first_read)
    : settings_(std::move(settings)), stop_(&stop), connection_(std::move(connection)), first_read_(std::move(first_read)) {}

std::vector<PgResult> Session::take_first_read() { return std::exchange(first_read_, {}); }

std::optional<std::vector<PgResult>> Session::reconnect() {
  connection_.reset();
  first_read_.clear();
  Attempts again = attempt_until_ready(settings_, *stop_);
  if (again.result != WaitResult::ready) return std::nullopt;
  connection_ = std::move(again.connection);
  return std::move(again.first_read);
}

}  // namespace dbinit
