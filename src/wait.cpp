#include "wait.hpp"

#include "connect_error.hpp"
#include "log.hpp"

namespace dbinit {

namespace {

Milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<Milliseconds>(Clock::now() - start);
}

}  // namespace

WaitOutcome wait_for_database(const ConnectionTarget& target, const WaitSettings& settings, StopSignals& stop) {
  WaitOutcome outcome;
  const auto start = Clock::now();
  const bool forever = settings.timeout.count() == 0;
  const auto deadline = start + settings.timeout;
  BackoffSchedule backoff(settings.backoff, settings.seed);

  for (;;) {
    ++outcome.attempts;
    auto attempt_timeout = settings.connect_timeout;
    if (!forever) attempt_timeout = std::min(attempt_timeout, std::max(Milliseconds(1), std::chrono::ceil<Milliseconds>(deadline - Clock::now())));
    ConnectAttempt attempt = connect_once(target, attempt_timeout, stop, settings.probe_sql);
    outcome.elapsed = since(start);
    if (attempt.connection) {
      outcome.result = WaitResult::ready;
      outcome.connection = std::move(attempt.connection);
      outcome.probe_results = std::move(attempt.probe_results);
      log::info("wait", "database is ready",
                {{"attempts", std::to_string(outcome.attempts)}, {"elapsed", format_duration(outcome.elapsed)}});
      return outcome;
    }
    outcome.last_error = attempt.error;
    if (attempt.stop_signal) {
      outcome.result = WaitResult::stopped;
      outcome.stop_signal = attempt.stop_signal;
      return outcome;
    }
    const auto failure = classify_connect_error(attempt.error);
    if (failure.kind == FailureKind::fatal) {
      outcome.result = WaitResult::fatal;
      log::error("wait", "cannot connect: " + std::string(failure.reason) + " (not retried)",
                 {{"attempt", std::to_string(outcome.attempts)}, {"error", attempt.error}});
      return outcome;
    }
    auto delay = backoff.next();
    const bool out_of_time = !forever && Clock::now() + delay >= deadline;
    if (out_of_time) delay = std::max(Milliseconds(0), std::chrono::ceil<Milliseconds>(deadline - Clock::now()));
    log::warn("wait", "attempt failed: " + std::string(failure.reason),
              {{"attempt", std::to_string(outcome.attempts)},
               {"elapsed", format_duration(outcome.elapsed)},
               {"next_delay", out_of_time ? std::string("none (wait timeout)") : format_duration(delay)},
               {"error", attempt.error}});
    if (out_of_time && delay.count() == 0) {
      outcome.result = WaitResult::timed_out;
      return outcome;
    }
    if (auto signal = stop.sleep(delay)) {
      outcome.result = WaitResult::stopped;
      outcome.stop_signal = signal;
      return outcome;
    }
    if (out_of_time) {
      outcome.elapsed = since(start);
      outcome.result = WaitResult::timed_out;
      return outcome;
    }
  }
}

}  // namespace dbinit
