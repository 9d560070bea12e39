#include "pg/wait.hpp"

#include "core/duration.hpp"
#include "core/exit_code.hpp"
#include "log/log.hpp"
#include "pg/connect.hpp"
#include "pg/connect_error.hpp"
#include "pg/direct_tls.hpp"
#include "pg/system_roots.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::wait;

Attempts stopped(Attempts attempts, std::optional<int> signal) {
  attempts.result = WaitResult::stopped;
  attempts.stop_signal = signal;
  return attempts;
}

}  // namespace

Attempts attempt_until_ready(const SessionSettings& settings, StopSignals& stop) {
  Attempts attempts;
  const auto start = Clock::now();
  const bool forever = settings.wait_timeout.count() == 0;
  const auto deadline = start + settings.wait_timeout;
  BackoffSchedule backoff(settings.backoff, random_seed());

  for (;;) {
    ++attempts.count;
    auto attempt_timeout = settings.connect_timeout;
    if (!forever)
      attempt_timeout = std::min(attempt_timeout, std::max(Milliseconds(1), std::chrono::ceil<Milliseconds>(deadline - Clock::now())));
    ConnectAttempt attempt = connect_once(settings.target, attempt_timeout, stop, settings.first_read_sql);
    if (attempt.connection) {
      attempts.result = WaitResult::ready;
      attempts.connection = std::move(attempt.connection);
      attempts.first_read = std::move(attempt.first_read);
      log::info(phase, "database is ready",
                {{"attempts", std::to_string(attempts.count)}, {"elapsed", format_duration(since(start))}});
      return attempts;
    }
    attempts.last_error = attempt.error;
    if (attempt.stop_signal) return stopped(std::move(attempts), attempt.stop_signal);
    const auto failure = classify_connect_error(
        attempt.error, {.direct_tls = settings.target.direct_tls, .neon_proxy = settings.target.neon_proxy});
    if (failure.kind == FailureKind::fatal) {
      attempts.result = WaitResult::fatal;
      log::error(phase, "cannot connect: " + std::string(failure.reason) + " (not retried)",
                 {{"attempt", std::to_string(attempts.count)}, {"error", attempt.error}});
      return attempts;
    }
    const bool last_attempt = settings.max_attempts != 0 && attempts.count >= settings.max_attempts;
    auto delay = backoff.next();
    const bool out_of_time = last_attempt || (!forever && Clock::now() + delay >= deadline);
    if (out_of_time) delay = last_attempt ? Milliseconds(0) : std::max(Milliseconds(0), std::chrono::ceil<Milliseconds>(deadline - Clock::now()));
    log::warn(phase, "attempt failed: " + std::string(failure.reason),
              {{"attempt", std::to_string(attempts.count)},
               {"elapsed", format_duration(since(start))},
               {"next_delay", last_attempt  ? std::string("none (one attempt: --skip-wait)")
                              : out_of_time ? std::string("none (wait timeout)")
                                            : format_duration(delay)},
               {"error", attempt.error}});
    if (out_of_time && delay.count() == 0) break;
    if (auto signal = stop.sleep(delay)) return stopped(std::move(attempts), signal);
    if (out_of_time) break;
  }
  attempts.result = WaitResult::timed_out;
  if (settings.max_attempts != 0 && attempts.count >= settings.max_attempts)
    log::error(phase, "gave up: database not ready after " + std::to_string(attempts.count) + " attempt(s)",
               {{"last_error", attempts.last_error}});
  else
    log::error(phase, "gave up: database not ready within " + format_duration(settings.wait_timeout),
               {{"attempts", std::to_string(attempts.count)}, {"last_error", attempts.last_error}});
  return attempts;
}

WaitOutcome wait_for_database(SessionSettings settings, StopSignals& stop) {
  auto refused = [&](const std::string& why) -> WaitOutcome {
    log::error(phase, why);
    return {std::nullopt, to_int(ExitCode::database_unreachable)};
  };
  const ConnInfo& parsed = settings.target.parsed;
  if (parsed.error) return refused("the database URL is not a valid libpq connection string: " + *parsed.error);
  if (auto refusal = apply_system_roots(settings.target, parsed)) return refused(*refusal);
  apply_direct_tls(settings.target, parsed);
  Attempts attempts = attempt_until_ready(settings, stop);
  switch (attempts.result) {
    case WaitResult::ready:
      return {Session(std::move(settings), stop, std::move(attempts.connection), std::move(attempts.first_read)), 0};
    case WaitResult::stopped:
      log::warn(phase, "stopped by signal before the database was ready");
      return {std::nullopt, exit_code_for_signal(*attempts.stop_signal)};
    case WaitResult::fatal:
    case WaitResult::timed_out:
      break;
  }
  return {std::nullopt, to_int(ExitCode::database_unreachable)};
}

}  // namespace dbinit
