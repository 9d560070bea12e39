#include "migrate/apply.hpp"

#include <algorithm>
#include <set>

#include "core/duration.hpp"
#include "log/log.hpp"
#include "migrate/no_transaction.hpp"
#include "migrate/run_log.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

// One run of the state machine. run() reads top to bottom: plan, send the
// next batch, record what was committed, follow what became of the rest.
class MigrationRun {
 public:
  MigrationRun(MigrationDatabase& database, const std::vector<Migration>& migrations, History history,
               const ApplyRequest& request)
      : database_(database),
        migrations_(migrations),
        history_(std::move(history)),
        request_(request),
        polling_(request.lock_polling, request.seed),
        giving_way_(request.table_lock_backoff, request.seed + 1),
        lock_wait_(request.lock_timeout),
        table_lock_wait_(request.lock_timeout),
        printed_(database.context().printed),
        started_(database.now()) {}

  ApplyOutcome run() {
    if (request_.repair && !repair(*request_.repair)) return finish(ExitCode::migration_failed);
    if (request_.baseline)
      if (auto refused = baseline_refusal(*request_.baseline)) return finish(*refused);
    for (;;) {
      if (!plan_ && !plan()) return finish(plan_->refusal->exit_code);
      if (next_ == plan_->steps.size()) return finish(ExitCode::ok);
      const Batch batch = next_batch(*plan_, next_, history_, request_.baseline);
      tried_ = true;
      const BatchOutcome sent = batch.kind == BatchKind::no_transaction
                                    ? apply_without_transaction(database_, batch.steps.front(), history_.table_exists, request_)
                                    : database_.apply(batch, history_.table_exists);
      record(batch, sent.committed);
      if (auto end = follow(batch, sent)) return *end;
    }
  }

 private:
  // What follows a batch: nullopt to go on (with the next batch, or the same
  // step again), or the end of the run.
  std::optional<ApplyOutcome> follow(const Batch& batch, const BatchOutcome& sent) {
    const StepOutcome& rest = sent.rest;
    switch (rest.result) {
      case StepResult::applied:
        return std::nullopt;
      case StepResult::failed:
        failed_ = rest.failure->file;
        log_failure(*rest.failure, batch);
        return finish(ExitCode::migration_failed);
      case StepResult::stopped:
        log_stopped(batch, sent);
        return finish(ExitCode::ok, database_.stop_signal());
      case StepResult::lock_busy:
        if (auto end = wait_for_lock()) return end;
        return read_again();
      case StepResult::table_lock_conflict:
        // Rolled back, history unchanged: the same step again, whose version
        // guard notices if another replica applied it meanwhile.
        return give_way(in_flight(batch, sent), rest);
      case StepResult::applied_elsewhere:
        log_applied_elsewhere(batch, sent);
        return read_again();
      case StepResult::connection_lost:
        log_connection_lost(batch, sent);
        return read_again();
    }
    return std::nullopt;
  }

  // A baseline is for a database dbinit never migrated: its history has no
  // rows, or exactly this baseline already (a replica or an earlier start
  // recorded it: nothing to do).
  std::optional<ExitCode> baseline_refusal(long long through) {
    const auto known = find_migration(through);
    if (known == migrations_.end()) {
      log::error(phase, "--baseline " + std::to_string(through) + ": the migration set has no version " +
                            std::to_string(through) + "; give the version of the last migration the database has");
      return ExitCode::usage;
    }
    if (history_.rows.empty()) return std::nullopt;
    const bool recorded = std::all_of(migrations_.begin(), known + 1, [&](const Migration& m) {
      return std::any_of(history_.rows.begin(), history_.rows.end(),
                         [&](const HistoryRow& row) { return row.version == m.version; });
    });
    if (recorded) return std::nullopt;
    log::error(phase, "--baseline " + std::to_string(through) + " refused: the history already has " +
                          std::to_string(history_.rows.size()) + " version(s), up to " +
                          std::to_string(history_.rows.back().version) +
                          "; a baseline is for a database that dbinit has never migrated");
    return ExitCode::migration_failed;
  }

  std::vector<Migration>::const_iterator find_migration(long long version) const {
    return std::find_if(migrations_.begin(), migrations_.end(), [&](const Migration& m) { return m.version == version; });
  }

  // The plan holds while this process makes progress; it is made again only
  // when another replica may have changed the history. False: refused.
  bool plan() {
    plan_ = plan_migrations(migrations_, history_, request_.plan);
    next_ = 0;
    for (const auto& warning : plan_->warnings)
      if (warned_.insert(warning).second) log::warn(phase, warning);
    if (!plan_->refusal) return true;
    log::error(phase, plan_->refusal->message);
    return false;
  }

  bool repair(long long version) {
    tried_ = true;
    // Before it runs again: an index an earlier try left invalid would make
    // CREATE INDEX IF NOT EXISTS succeed without building it.
    const auto migration = find_migration(version);
    if (migration != migrations_.end()) {
      const auto invalid = database_.invalid_indexes(*migration);
      if (!invalid) {
        log::error(phase, "cannot repair version " + std::to_string(version) +
                              ": the check for invalid indexes failed; it stays marked dirty");
        return false;
      }
      if (!invalid->empty()) {
        log_invalid_indexes(*invalid, version);
        log::error(phase, "version " + std::to_string(version) + " stays marked dirty: its index builds left invalid "
                                                                 "indexes, which must be dropped before it runs again");
        return false;
      }
    }
    if (!database_.repair(version)) {
      log::error(phase, "cannot repair version " + std::to_string(version) + ": it is not marked dirty");
      return false;
    }
    log::warn(phase, "removed the dirty mark of version " + std::to_string(version) + "; it will be applied again");
    std::erase_if(history_.rows, [&](const auto& row) { return row.version == version; });
    return true;
  }

  // The steps the server committed, in order: logged (unless the messages
  // were only printed), and recorded in the history this process holds
  // (re-reading it would cost a round trip).
  void record(const Batch& batch, const std::vector<std::optional<Milliseconds>>& committed) {
    for (std::size_t i = 0; i < committed.size(); ++i) {
      if (batch.kind == BatchKind::baseline) {
        if (!printed_) log_baselined(batch.steps[i]);
        ++baselined_;
      } else {
        if (!printed_) log_committed(batch.steps[i], committed[i]);
        ++applied_;
      }
      record_locally(batch.steps[i]);
      ++next_;
      lock_wait_.acquired();
      table_lock_wait_.acquired();
    }
    if (!printed_ && batch.kind == BatchKind::one_transaction && committed.size() == batch.steps.size())
      log_adopted(committed.size());
  }

  void record_locally(const PlanStep& step) {
    history_.table_exists = true;
    auto& rows = history_.rows;  // sorted by version
    const auto version = step.migration->version;
    auto at = std::lower_bound(rows.begin(), rows.end(), version,
                               [](const HistoryRow& row, long long wanted) { return row.version < wanted; });
    if (at != rows.end() && at->version == version) at = rows.erase(at);
    if (step.direction == Direction::up)
      rows.insert(at, {.version = version,
                       .name = step.migration->name,
                       .checksum = step.migration->checksum,
                       .state = HistoryState::applied,
                       .applied_at = "now",
                       .duration_ms = std::nullopt,
                       .applied_by = ""});
  }

  // A busy lock: name its holder now and then, give up at the lock timeout,
  // otherwise sleep a jittered while.
  std::optional<ApplyOutcome> wait_for_lock() {
    const auto busy = lock_wait_.busy(database_.now());
    if (busy.report_holder)
      log::info(phase, "waiting for the migration lock held by " + database_.lock_holder(),
                {{"waited", format_duration(busy.waited)}});
    if (busy.give_up) {
      log::error(phase, "gave up waiting for the migration lock after " + format_duration(request_.lock_timeout));
      return finish(ExitCode::lock_timeout);
    }
    if (auto signal = database_.sleep(std::min(polling_.next(), busy.delay_cap))) return finish(ExitCode::ok, signal);
    return std::nullopt;
  }

  // The app's table locks made a migration roll back: say who held them,
  // then back off, until the lock timeout.
  std::optional<ApplyOutcome> give_way(const std::string& what, const StepOutcome& rest) {
    const auto busy = table_lock_wait_.busy(database_.now());
    const std::string holders = database_.table_lock_holders();
    if (busy.give_up) {
      log::error(phase, "gave up on " + what + ": its table locks stayed taken for longer than " +
                            format_duration(request_.lock_timeout) + "; nothing of it was changed",
                 {{"error", rest.error}, {"holders", holders}});
      return finish(ExitCode::lock_timeout);
    }
    const auto delay = std::min(giving_way_.next(), busy.delay_cap);
    log::warn(phase, what + " gave way to the app's table locks and was rolled back; trying it again",
              {{"error", rest.error}, {"holders", holders}, {"retry_in", format_duration(delay)}});
    if (auto signal = database_.sleep(delay)) return finish(ExitCode::ok, signal);
    return std::nullopt;
  }

  // Another replica may have changed the history: read it, plan again.
  std::optional<ApplyOutcome> read_again() {
    plan_.reset();
    Reread again = database_.reread();
    if (again.stop_signal) return finish(ExitCode::ok, again.stop_signal);
    if (!again.history) return finish(again.failure);
    history_ = std::move(*again.history);
    return std::nullopt;
  }

  // A run that tried to change the database (or found nothing to do) ends
  // with its summary; one that only printed its messages changed nothing.
  ApplyOutcome finish(ExitCode code, std::optional<int> signal = std::nullopt) {
    if (!printed_ && (tried_ || code == ExitCode::ok)) {
      const auto newest = history_.rows.empty() ? std::nullopt : std::optional(history_.rows.back().version);
      log_summary({.exit_code = code,
                   .stop_signal = signal,
                   .applied = applied_,
                   .baselined = baselined_,
                   .failed = failed_,
                   .pending = count_pending(migrations_, history_, request_.plan),
                   .version = newest,
                   .elapsed = std::chrono::duration_cast<Milliseconds>(database_.now() - started_)});
    }
    return {.exit_code = code, .stop_signal = signal, .applied = applied_};
  }

  MigrationDatabase& database_;
  const std::vector<Migration>& migrations_;
  History history_;
  const ApplyRequest& request_;
  BackoffSchedule polling_;     // a busy migration lock
  BackoffSchedule giving_way_;  // the app's table locks
  LockWait lock_wait_;
  LockWait table_lock_wait_;
  const bool printed_;  // `dbinit sql`: the messages are printed, not sent
  const Clock::time_point started_;
  std::set<std::string> warned_;
  std::optional<MigrationPlan> plan_;
  std::size_t next_ = 0;  // the plan's next step
  unsigned applied_ = 0;
  unsigned baselined_ = 0;
  bool tried_ = false;  // something was sent that changes the database
  std::optional<std::string> failed_;  // the file of the migration that failed
};

}  // namespace

ApplyOutcome apply_migrations(MigrationDatabase& database, const std::vector<Migration>& migrations, History history,
                              const ApplyRequest& request) {
  return MigrationRun(database, migrations, std::move(history), request).run();
}

}  // namespace dbinit
