#pragma once
// Work for the moments a connection attempt has nothing to do but wait for
// the server (a backend forking, the server checking a password): each step
// runs only when the server has not answered yet, so that it delays nothing
// that the server already sent.
#include <deque>
#include <functional>
#include <optional>

#include "core/clock.hpp"

namespace dbinit {

class IdleWork {
 public:
  // Returns an exit code to end the attempt, nullopt to go on.
  using Step = std::function<std::optional<int>()>;

  // Worth doing only while the server works: dropped if no such moment comes.
  void add_if_idle(std::function<void()> step);
  // Runs in this attempt whatever happens: in an idle moment if one comes,
  // otherwise in run_required() or finish().
  void add_required(Step step);

  // Runs pending steps, in order, for as long as `socket` is not ready (for
  // writing, or reading); the exit code a step returned, if one did.
  std::optional<int> run_while_waiting(int socket, bool for_write);
  // Runs the required steps still pending, now; the optional ones stay.
  std::optional<int> run_required();
  // Runs the required steps still pending; the optional ones are dropped.
  std::optional<int> finish();

  // The time the steps took: not the server's, so no timeout counts it.
  Clock::duration time_spent() const { return spent_; }

 private:
  struct Pending {
    Step run;
    bool required;
  };
  // Takes the step at `at` out of the queue and runs it.
  std::optional<int> run(std::deque<Pending>::iterator at);

  std::deque<Pending> pending_;
  Clock::duration spent_{};
};

// True when `socket` can be written to (or read from) right now.
bool socket_ready_now(int socket, bool for_write);

}  // namespace dbinit
