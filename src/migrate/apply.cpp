#include "migrate/apply.hpp"

#include <algorithm>
#include <set>

#include "core/duration.hpp"
#include "log/log.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

// After this process applied (or reverted) a step, the history it holds is
// updated in place: re-reading it would cost a round trip per migration.
void record_locally(History& history, const PlanStep& step) {
  history.table_exists = true;
  auto& rows = history.rows;  // sorted by version
  const auto version = step.migration->version;
  auto at = std::lower_bound(rows.begin(), rows.end(), version,
                             [](const HistoryRow& row, long long wanted) { return row.version < wanted; });
  if (at != rows.end() && at->version == version) at = rows.erase(at);
  if (step.direction == Direction::up)
    rows.insert(at, {version, step.migration->name, step.migration->checksum, "applied", "now"});
}

// The steps to apply together when adopting: from the first step of a plan
// for a database with Alembic's table and no history of dbinit's, every up
// step up to the first that must run without a transaction.
std::vector<PlanStep> adoption_steps(const MigrationPlan& plan, const History& history, std::size_t next_step) {
  std::vector<PlanStep> steps;
  if (history.table_exists || !history.alembic_revision || next_step != 0) return steps;
  for (const auto& step : plan.steps) {
    if (step.direction != Direction::up || step.migration->up.no_transaction) break;
    steps.push_back(step);
  }
  return steps;
}

// The steps from next_step that can share one message: transactional ones,
// up to the first that must run without a transaction (it runs alone).
std::vector<PlanStep> batch_from(const MigrationPlan& plan, std::size_t next_step) {
  std::vector<PlanStep> steps;
  for (auto i = next_step; i < plan.steps.size(); ++i) {
    const PlanStep& step = plan.steps[i];
    if (step.direction == Direction::up && step.migration->up.no_transaction) break;
    steps.push_back(step);
  }
  return steps;
}

}  // namespace

ApplyOutcome apply_migrations(MigrationDatabase& database, const std::vector<Migration>& migrations, History history,
                              const ApplyRequest& request) {
  ApplyOutcome outcome;
  auto fail = [&](ExitCode code) {
    outcome.exit_code = code;
    return outcome;
  };
  auto stopped = [&](std::optional<int> signal) {
    outcome.stop_signal = signal;
    return outcome;
  };
  if (request.repair) {
    if (!database.repair(*request.repair)) {
      log::error(phase, "cannot repair version " + std::to_string(*request.repair) + ": it is not marked dirty");
      return fail(ExitCode::migration_failed);
    }
    log::warn(phase, "removed the dirty mark of version " + std::to_string(*request.repair) + "; it will be applied again");
    std::erase_if(history.rows, [&](const auto& row) { return row.version == *request.repair; });
  }

  std::set<std::string> warned;
  BackoffSchedule polling(request.lock_polling, request.seed);
  LockWait lock_wait(request.lock_timeout);
  // Table lock conflicts: the same step rolled back and tried again, backing
  // off with jitter, until the lock timeout.
  BackoffSchedule giving_way(request.table_lock_backoff, request.seed + 1);
  LockWait table_lock_wait(request.lock_timeout);
  const auto started = database.now();
  // The plan holds while this process makes progress; it is made again only
  // when another replica may have changed the history (busy lock, a version
  // applied elsewhere, a reconnect).
  std::optional<MigrationPlan> plan;
  std::size_t next_step = 0;
  // A busy lock: name its holder now and then, give up at the lock timeout,
  // otherwise sleep a jittered while. nullopt: go on.
  auto wait_for_lock = [&]() -> std::optional<ApplyOutcome> {
    const auto busy = lock_wait.busy(database.now());
    if (busy.report_holder)
      log::info(phase, "waiting for the migration lock held by " + database.lock_holder(),
                {{"waited", format_duration(busy.waited)}});
    if (busy.give_up) {
      log::error(phase, "gave up waiting for the migration lock after " + format_duration(request.lock_timeout));
      return fail(ExitCode::lock_timeout);
    }
    if (auto signal = database.sleep(std::min(polling.next(), busy.delay_cap))) return stopped(signal);
    return std::nullopt;
  };
  // A migration gave way to the app's table locks: say who held them, then
  // back off and try the same step again. nullopt: try again.
  auto give_way = [&](const std::string& what, const StepOutcome& report) -> std::optional<ApplyOutcome> {
    const auto busy = table_lock_wait.busy(database.now());
    const std::string holders = database.table_lock_holders();
    if (busy.give_up) {
      log::error(phase, "gave up on " + what + ": its table locks stayed taken for longer than " +
                            format_duration(request.lock_timeout) + "; nothing was changed",
                 {{"error", report.error}, {"holders", holders}});
      return fail(ExitCode::lock_timeout);
    }
    const auto delay = std::min(giving_way.next(), busy.delay_cap);
    log::warn(phase, what + " gave way to the app's table locks and was rolled back; trying it again",
              {{"error", report.error}, {"holders", holders}, {"retry_in", format_duration(delay)}});
    if (auto signal = database.sleep(delay)) return stopped(signal);
    return std::nullopt;
  };
  // Another replica may have changed the history: read it, plan again.
  auto read_again = [&]() -> std::optional<ApplyOutcome> {
    plan.reset();
    Reread again = database.reread();
    if (again.stop_signal) return stopped(again.stop_signal);
    if (!again.history) return fail(again.failure);
    history = std::move(*again.history);
    return std::nullopt;
  };
  for (;;) {
    if (!plan) {
      plan = plan_migrations(migrations, history, request.plan);
      next_step = 0;
      for (const auto& warning : plan->warnings)
        if (warned.insert(warning).second) log::warn(phase, warning);
      if (plan->refusal) {
        log::error(phase, plan->refusal->message);
        return fail(plan->refusal->exit_code);
      }
    }
    if (next_step == plan->steps.size()) {
      log::info(phase, outcome.applied ? "migrations applied" : "database is up to date",
                {{"applied", std::to_string(outcome.applied)},
                 {"version", history.rows.empty() ? "none" : std::to_string(history.rows.back().version)},
                 {"elapsed", format_duration(std::chrono::duration_cast<Milliseconds>(database.now() - started))}});
      return outcome;
    }
    // A database another tool built (Alembic) is adopted whole: its leading
    // transactional steps go in one transaction, so that a migration that
    // refuses it leaves it as it was.
    if (const auto together = adoption_steps(*plan, history, next_step); together.size() > 1) {
      const StepOutcome report = database.apply_together(together, history.table_exists);
      if (report.result == StepResult::applied) {
        for (const auto& step : together) {
          ++outcome.applied;
          log::info(phase, "applied " + script_of(step).file_name, {{"version", std::to_string(step.migration->version)}});
          record_locally(history, step);
        }
        log::info(phase, "adopted the database in one transaction",
                  {{"migrations", std::to_string(together.size())}, {"duration", format_duration(report.duration)}});
        lock_wait.acquired();
        next_step += together.size();
        continue;
      }
      if (report.result == StepResult::failed) return fail(ExitCode::migration_failed);
      if (report.result == StepResult::stopped) {
        log::warn(phase, report.committed == true ? "stopped by signal; the adoption had been committed"
                                                  : "stopped by signal; the adoption was rolled back, nothing changed");
        if (report.committed == true) outcome.applied += static_cast<unsigned>(together.size());
        return stopped(database.stop_signal());
      }
      if (report.result == StepResult::table_lock_conflict) {
        if (auto exit = give_way("adopting the database", report)) return *exit;
        continue;
      }
      // Busy, applied elsewhere or a lost connection: as for one step.
      if (report.result == StepResult::connection_lost)
        log::warn(phase, "connection lost while adopting the database; whether the server committed it is "
                         "unknown: reconnecting to read the history again", {{"error", report.error}});
      if (report.result == StepResult::lock_busy)
        if (auto exit = wait_for_lock()) return *exit;
      if (auto exit = read_again()) return *exit;
      continue;
    }
    auto done = [&](const PlanStep& step, std::optional<Milliseconds> duration) {
      ++outcome.applied;
      lock_wait.acquired();
      table_lock_wait.acquired();
      log::info(phase, std::string(step.direction == Direction::up ? "applied " : "reverted ") + script_of(step).file_name,
                {{"version", std::to_string(step.migration->version)},
                 {"duration", duration ? format_duration(*duration) : "unknown"}});
      record_locally(history, step);
      ++next_step;
    };
    // Every pending transactional step in one message, one round trip.
    std::optional<StepOutcome> batch_rest;
    if (const auto batch = batch_from(*plan, next_step); batch.size() > 1) {
      const BatchOutcome sent = database.apply_batch(batch, history.table_exists);
      for (const auto duration : sent.committed) done(plan->steps[next_step], duration);
      if (sent.rest.result == StepResult::applied) continue;
      if (sent.committed.size() == batch.size()) {
        // Stopped, or the link broke, once the server had committed the
        // whole batch: nothing of it is left to do.
        if (sent.rest.result == StepResult::stopped) {
          log::warn(phase, "stopped by signal; every migration sent had been committed");
          return stopped(database.stop_signal());
        }
        continue;
      }
      batch_rest = sent.rest;
    }
    const PlanStep step = plan->steps[next_step];
    const std::string& file = script_of(step).file_name;
    const StepOutcome report = batch_rest ? *batch_rest : database.apply(step, history.table_exists);
    switch (report.result) {
      case StepResult::applied:
        done(step, report.duration);
        continue;
      case StepResult::failed:
        return fail(ExitCode::migration_failed);
      case StepResult::stopped:
        if (report.committed == true) {
          ++outcome.applied;
          log::info(phase, std::string(step.direction == Direction::up ? "applied " : "reverted ") + file,
                    {{"version", std::to_string(step.migration->version)}});
          log::warn(phase, "stopped by signal; " + file + " had been committed before the cancel request arrived");
        } else if (report.committed == false) {
          log::warn(phase, "stopped by signal; " + file + " was rolled back", {{"file", file}});
        } else {
          log::warn(phase, "stopped by signal while " + file + " ran; the server did not answer in time, so "
                           "whether it was committed is unknown: the history tells at the next start", {{"file", file}});
        }
        return stopped(database.stop_signal());
      case StepResult::lock_busy:
        if (auto exit = wait_for_lock()) return *exit;
        break;
      case StepResult::table_lock_conflict:
        // Rolled back, history unchanged: the same step again, whose version
        // guard notices if another replica applied it meanwhile.
        if (auto exit = give_way(file, report)) return *exit;
        continue;
      case StepResult::applied_elsewhere:
        log::info(phase, std::string("another replica ") + (step.direction == Direction::up ? "applied " : "reverted ") +
                             file + " first; reading the history again");
        break;
      case StepResult::connection_lost:
        log::warn(phase, "connection lost during " + file + "; whether the server committed it is unknown: "
                         "reconnecting to read the history again", {{"error", report.error}});
        break;
    }
    if (auto exit = read_again()) return *exit;
  }
}

}  // namespace dbinit
