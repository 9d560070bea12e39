#pragma once
// The caller's work during a connection attempt (reading the migration
// set): done in the first moment the attempt has nothing to do but wait for
// the server (the TCP handshake, a backend forking), so that it delays
// nothing the server already sent.
#include <optional>

#include "core/clock.hpp"
#include "pg/connect.hpp"

namespace dbinit {

class IdleWork {
 public:
  explicit IdleWork(WorkWhileConnecting work) : work_(std::move(work)) {}

  // Runs the work if it has not run yet and `socket` is not ready (for
  // writing, or reading); the exit code it returned, if it did.
  std::optional<int> run_if_waiting(int socket, bool for_write);
  // Runs the work if it has not run yet.
  std::optional<int> run_now();

  // The time the work took: not the server's, so no timeout counts it.
  Clock::duration time_spent() const { return spent_; }

 private:
  WorkWhileConnecting work_;
  Clock::duration spent_{};
};

// True when `socket` can be written to (or read from) right now.
bool socket_ready_now(int socket, bool for_write);

}  // namespace dbinit
