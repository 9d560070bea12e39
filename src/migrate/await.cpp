#include "migrate/await.hpp"

#include <algorithm>

#include "core/duration.hpp"
#include "log/log.hpp"
#include "migrate/messages.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

// Neon's pooled host is PgBouncer in transaction mode: LISTEN would be
// passed to whichever server connection the message lands on, and lost.
bool through_neon_pooler(PGconn* connection) {
  const char* host = PQhost(connection);
  return host && std::string_view(host).find("-pooler.") != std::string_view::npos;
}

// Drops the notifications libpq has queued; true when there was one.
bool drain_notifications(PGconn* connection) {
  bool any = false;
  while (PGnotify* notification = PQnotifies(connection)) {
    PQfreemem(notification);
    any = true;
  }
  return any;
}

class Await {
 public:
  Await(const MigrateSettings& settings, const std::vector<Migration>& migrations, Session& session)
      : settings_(settings),
        migrations_(migrations),
        session_(session),
        polling_(await_polling, random_seed()),
        started_(Clock::now()) {}

  int run() {
    auto history = history_from_results(session_.take_first_read(), settings_.history_table);
    if (!history) return to_int(ExitCode::migration_failed);
    AwaitCheck check = check_awaited(migrations_, *history, settings_.strict);
    if (check.state != AwaitState::waiting) return ended(check);
    listen();
    log::info(phase, "awaiting migrations: another replica applies them; this one migrates nothing",
              {{"missing", version_list(check.missing)},
               {"hears", listening_ ? "notifications on " + notify_channel(settings_.history_table) + ", and polls"
                                    : "polls (no LISTEN through a transaction pooler)"}});
    const auto deadline = started_ + settings_.lock_timeout;
    for (;;) {
      drain_notifications(session_.connection());
      auto again = read_history();
      if (!again) return failure_;
      check = check_awaited(migrations_, *again, settings_.strict);
      if (check.state != AwaitState::waiting) return ended(check);
      if (Clock::now() >= deadline) {
        log::error(phase, "gave up awaiting migrations after " + format_duration(settings_.lock_timeout) + ": versions " +
                              version_list(check.missing) + " are still not applied",
                   {{"missing", version_list(check.missing)}});
        return to_int(ExitCode::lock_timeout);
      }
      if (drain_notifications(session_.connection())) continue;  // heard during the read
      const auto until = std::min(deadline, Clock::now() + polling_.next());
      if (auto code = wait_for_news(until)) return *code;
    }
  }

 private:
  int ended(const AwaitCheck& check) {
    if (check.state == AwaitState::refused) {
      log::error(phase, check.refusal->message);
      return to_int(check.refusal->exit_code);
    }
    for (const auto& warning : check.warnings) log::warn(phase, warning);
    log::info(phase, "the schema is ready: every migration of the set is applied",
              {{"awaited", format_duration(since(started_))}});
    return to_int(ExitCode::ok);
  }

  // LISTEN on a direct connection; a refusal leaves polling alone.
  void listen() {
    listening_ = false;
    if (through_neon_pooler(session_.connection())) return;
    const QueryOutcome outcome =
        run_query(session_.connection(), listen_sql(settings_.history_table), std::nullopt, session_.stop());
    if (outcome.status != IoStatus::ready) return;  // the next read finds out
    if (auto error = first_error(outcome.results)) {
      log::debug(phase, "LISTEN refused; polling", {{"error", error->message}});
      return;
    }
    listening_ = true;
  }

  // The history read again, reconnecting (and listening again) when the
  // connection broke; nullopt with failure_ set when it cannot go on.
  std::optional<History> read_history() {
    QueryOutcome outcome =
        run_query(session_.connection(), read_history_sql(settings_.history_table), std::nullopt, session_.stop());
    std::vector<PgResult> results;
    if (outcome.status == IoStatus::stopped) {
      failure_ = exit_code_for_signal(session_.stop().received().value_or(SIGTERM));
      return std::nullopt;
    }
    if (outcome.status == IoStatus::ready) {
      results = std::move(outcome.results);
    } else {
      log::warn(phase, "connection lost; reconnecting", {{"error", outcome.error}});
      auto reconnected = session_.reconnect();
      if (!reconnected) {
        const auto signal = session_.stop().received();
        failure_ = signal ? exit_code_for_signal(*signal) : to_int(ExitCode::database_unreachable);
        return std::nullopt;
      }
      results = std::move(*reconnected);
      listen();
    }
    auto history = history_from_results(results, settings_.history_table);
    if (!history) failure_ = to_int(ExitCode::migration_failed);
    return history;
  }

  // Until a notification, the next poll, or a stop signal (its exit code).
  std::optional<int> wait_for_news(Clock::time_point until) {
    PGconn* connection = session_.connection();
    const IoStatus status = wait_socket(PQsocket(connection), false, until, session_.stop());
    if (status == IoStatus::stopped) return exit_code_for_signal(session_.stop().received().value_or(SIGTERM));
    // A broken connection shows at the next read, which reconnects.
    if (status == IoStatus::ready) PQconsumeInput(connection);
    return std::nullopt;
  }

  const MigrateSettings& settings_;
  const std::vector<Migration>& migrations_;
  Session& session_;
  BackoffSchedule polling_;
  const Clock::time_point started_;
  bool listening_ = false;
  int failure_ = to_int(ExitCode::migration_failed);
};

}  // namespace

AwaitCheck check_awaited(const std::vector<Migration>& migrations, const History& history, bool strict) {
  AwaitCheck check;
  const MigrationPlan plan = plan_migrations(migrations, history, {std::nullopt, strict});
  const auto applied = [&](long long version) {
    return std::any_of(history.rows.begin(), history.rows.end(),
                       [&](const HistoryRow& row) { return row.version == version && row.state == HistoryState::applied; });
  };
  if (plan.refusal && plan.refusal->exit_code != ExitCode::migration_failed) {
    check.state = AwaitState::refused;
    check.refusal = plan.refusal;
    return check;
  }
  if (!plan.refusal && plan.steps.empty()) {
    check.state = AwaitState::ready;
    check.warnings = plan.warnings;
    return check;
  }
  // Pending, or refused for a dirty mark (a no-transaction migration under
  // way, or one that failed): the migrating replica's business.
  for (const auto& migration : migrations)
    if (!applied(migration.version)) check.missing.push_back(migration.version);
  return check;
}

int run_await_phase(const MigrateSettings& settings, const MigrationSet& set, Session& session) {
  return Await(settings, set.migrations, session).run();
}

}  // namespace dbinit
