#include "migrate/run_log.hpp"

#include "core/duration.hpp"
#include "log/log.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

std::string direction_word(const PlanStep& step) { return step.direction == Direction::up ? "applied" : "reverted"; }

std::string left_dirty_text(const Batch& batch) {
  const std::string version = std::to_string(batch.steps.front().migration->version);
  return "the statements before the one under way completed, and version " + version +
         " stays marked dirty: check the database (an index build that was under way leaves an invalid index), "
         "then run dbinit migrate --repair " + version;
}

}  // namespace

std::string in_flight(const Batch& batch, const BatchOutcome& sent) {
  if (batch.kind == BatchKind::one_transaction) return "adopting the database";
  if (batch.kind == BatchKind::baseline) return "the baseline";
  if (sent.committed.size() == batch.steps.size()) return "the batch's last answer";
  return script_of(batch.steps[sent.committed.size()]).file_name;
}

void log_committed(const PlanStep& step, std::optional<Milliseconds> duration) {
  log::info(phase, direction_word(step) + " " + script_of(step).file_name,
            {{"version", std::to_string(step.migration->version)},
             {"duration", duration ? format_duration(*duration) : "unknown"}});
}

void log_baselined(const PlanStep& step) {
  log::info(phase, "baselined " + script_of(step).file_name + ": recorded as applied without running it",
            {{"version", std::to_string(step.migration->version)}});
}

void log_adopted(std::size_t migrations) {
  log::info(phase, "adopted the database in one transaction", {{"migrations", std::to_string(migrations)}});
}

void log_failure(const MigrationFailure& failure, const Batch& batch) {
  if (batch.kind == BatchKind::baseline) {
    log::error(phase, "baseline refused: " + failure.message + "; nothing was recorded",
               {{"sqlstate", failure.sqlstate}});
    return;
  }
  const std::string where =
      failure.file + (failure.at ? ":" + std::to_string(failure.at->line) + ":" + std::to_string(failure.at->column) : "");
  log::Fields fields{{"file", failure.file}, {"sqlstate", failure.sqlstate}, {"error", failure.message}};
  if (failure.at) {
    fields.emplace_back("line", std::to_string(failure.at->line));
    fields.emplace_back("column", std::to_string(failure.at->column));
  }
  if (failure.rolled_back) {
    log::error(phase, "migration failed and was rolled back: " + where + ": " + failure.message, fields);
  } else {
    fields.emplace_back("statements_completed", std::to_string(failure.statements_completed));
    log::error(phase, "migration failed: " + where + ": " + failure.message + "; it ran without a transaction, so " +
                          std::to_string(failure.statements_completed) +
                          " statement(s) before this one completed and stay", fields);
  }
  // A migration that checks before it changes anything (adopting a database
  // another tool built) lists what it found in DETAIL, one line each.
  std::size_t start = 0;
  while (start < failure.detail.size()) {
    auto end = failure.detail.find('\n', start);
    if (end == std::string::npos) end = failure.detail.size();
    if (end > start) log::error(phase, failure.detail.substr(start, end - start), {{"file", failure.file}});
    start = end + 1;
  }
  if (batch.kind == BatchKind::one_transaction)
    log::error(phase, "nothing was changed: the migrations adopting this database run in one transaction");
  const long long version = batch.steps.front().migration->version;
  log_invalid_indexes(failure.invalid_indexes, version);
  if (failure.left_dirty)
    log::error(phase, "version " + std::to_string(version) +
                          " stays marked dirty: check the database, then run dbinit migrate --repair " +
                          std::to_string(version));
}

void log_invalid_indexes(const std::vector<InvalidIndex>& invalid, long long version) {
  for (const auto& index : invalid)
    log::error(phase, "index " + index.index + " on " + index.table + " is invalid: drop it with DROP INDEX "
                      "CONCURRENTLY " + index.index + "; then run dbinit migrate --repair " + std::to_string(version),
               {{"index", index.index}, {"table", index.table}});
}

void log_stopped(const Batch& batch, const BatchOutcome& sent) {
  const std::string what = in_flight(batch, sent);
  if (sent.rest.left_dirty)
    log::warn(phase, "stopped by signal while " + what + " ran without a transaction: " + left_dirty_text(batch));
  else if (sent.committed.size() == batch.steps.size())
    log::warn(phase, "stopped by signal; every migration sent had been committed");
  else if (sent.rest.settled)
    log::warn(phase, "stopped by signal; " + what + " was rolled back" +
                         (all_or_nothing(batch.kind) ? ", nothing changed" : ""));
  else
    log::warn(phase, "stopped by signal while " + what + " ran; the server did not answer in time, so whether it "
                     "was committed is unknown: the history tells at the next start");
}

void log_applied_elsewhere(const Batch& batch, const BatchOutcome& sent) {
  const std::string who = batch.kind == BatchKind::one_transaction ? std::string("another replica adopted the database")
                          : batch.kind == BatchKind::baseline     ? std::string("another replica recorded the baseline")
                                                                  : "another replica " +
                                                                    direction_word(batch.steps[sent.committed.size()]) +
                                                                    " " + in_flight(batch, sent);
  log::info(phase, who + " first; reading the history again");
}

void log_connection_lost(const Batch& batch, const BatchOutcome& sent) {
  log::warn(phase, "connection lost during " + in_flight(batch, sent) + "; " +
                       (sent.rest.left_dirty ? left_dirty_text(batch) + "; reconnecting to read the history again"
                                             : "whether the server committed it is unknown: reconnecting to read the "
                                               "history again"),
            {{"error", sent.rest.error}});
}

void log_summary(const RunSummary& summary) {
  log::Fields fields{{"applied", std::to_string(summary.applied)}};
  if (summary.baselined) fields.emplace_back("baselined", std::to_string(summary.baselined));
  if (summary.failed) fields.emplace_back("failed", *summary.failed);
  fields.insert(fields.end(), {{"pending", std::to_string(summary.pending)},
                               {"version", summary.version ? std::to_string(*summary.version) : "none"},
                               {"elapsed", format_duration(summary.elapsed)}});
  if (summary.stop_signal)
    log::warn(phase, "migration run stopped by signal", fields);
  else if (summary.exit_code == ExitCode::ok)
    log::info(phase, summary.applied || summary.baselined ? "migrations applied" : "database is up to date", fields);
  else
    log::error(phase, "migration run failed (exit " + std::to_string(to_int(summary.exit_code)) + ")", fields);
}

}  // namespace dbinit
