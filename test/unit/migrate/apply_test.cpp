#define BOOST_TEST_MODULE apply
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "migrate/apply.hpp"
#include "migration_builder.hpp"
#include "text.hpp"

// The state machine that applies a plan, through the database seam: a
// scripted database decides what each step, each re-read and the clock do.
using namespace dbinit;
using namespace dbinit::test;
using namespace std::chrono_literals;

namespace {

class ScriptedDatabase final : public MigrationDatabase {
 public:
  // What apply() answers for the next steps, in order; applied once the script runs out.
  std::deque<StepResult> step_results;
  // What reread() answers, in order; the last one repeats.
  std::deque<Reread> rereads;
  std::function<bool(long long)> repairable = [](long long) { return false; };
  std::optional<int> signal_during_sleep;
  // What the statements of a no-transaction step answer, in order: "" for
  // done, else the SQLSTATE of the error; done once the script runs out.
  std::deque<std::string> statement_sqlstates;
  bool session_lock_free = true;

  // What happened, for the assertions.
  std::vector<std::string> calls;  // "batch 1 2", "batch -3 -2", "together 1 2", "alone 3", "reread", "sleep", "repair 3"
  // The messages of no-transaction steps, by kind: "lock", "dirty", "statement", ...
  std::vector<std::string> messages;
  Milliseconds slept{0};
  unsigned holder_questions = 0;

  const MessageContext& context() const override { return context_; }

  // A no-transaction step's messages: the session lock as scripted, its
  // statements as statement_sqlstates says, everything else done.
  MessageAnswer send(const NoTransactionMessage& message) override {
    using Kind = NoTransactionMessage::Kind;
    clock_ += 10ms;
    static const std::map<Kind, std::string> names{
        {Kind::take_lock, "lock"}, {Kind::create_table, "create"}, {Kind::check_recorded, "recorded?"},
        {Kind::mark_dirty, "dirty"}, {Kind::set_lock_timeout, "limit"}, {Kind::statement, "statement"},
        {Kind::check_invalid_indexes, "invalid?"}, {Kind::reset_lock_timeout, "reset"},
        {Kind::mark_applied, "applied"}, {Kind::release_lock, "unlock"}};
    messages.push_back(names.at(message.kind));
    if (message.kind == Kind::take_lock) {
      calls.push_back("alone " + std::to_string(std::stoll(message.what.substr(0, message.what.find('_')))));
      return {.found = session_lock_free};
    }
    if (message.kind != Kind::statement || statement_sqlstates.empty()) return {};
    const std::string sqlstate = statement_sqlstates.front();
    statement_sqlstates.pop_front();
    if (sqlstate.empty()) return {};
    return {.error = StatementError{.message = "canceling statement due to lock timeout",
                                    .sqlstate = sqlstate,
                                    .position = std::nullopt,
                                    .detail = "",
                                    .table = ""}};
  }

  // A batch takes the script's next results step by step, as the server
  // runs its transactions: committed while they say applied. An adoption
  // (one transaction) takes one result for all of its steps.
  BatchOutcome apply(const Batch& batch, bool) override {
    std::string call = batch.kind == BatchKind::own_transactions ? "batch"
                       : batch.kind == BatchKind::one_transaction ? "together"
                       : batch.kind == BatchKind::baseline        ? "baseline"
                                                                  : "alone";
    for (const auto& step : batch.steps)
      call += std::string(step.direction == Direction::up ? " " : " -") + std::to_string(step.migration->version);
    calls.push_back(call);
    BatchOutcome sent;
    if (batch.kind == BatchKind::one_transaction || batch.kind == BatchKind::baseline) {
      sent.rest = next_result();
      if (sent.rest.result == StepResult::applied) sent.committed.assign(batch.steps.size(), 10ms);
      return sent;
    }
    for (std::size_t i = 0; i < batch.steps.size(); ++i) {
      StepOutcome step = next_result();
      if (step.result != StepResult::applied) {
        sent.rest = step;
        break;
      }
      sent.committed.push_back(10ms);
    }
    return sent;
  }
  Reread reread() override {
    calls.push_back("reread");
    BOOST_TEST_REQUIRE(!rereads.empty(), "an unexpected re-read");
    Reread next = copy(rereads.front());
    if (rereads.size() > 1) rereads.pop_front();
    return next;
  }
  std::vector<InvalidIndex> invalid;  // what invalid_indexes() finds
  std::optional<std::vector<InvalidIndex>> invalid_indexes(const Migration& migration) override {
    calls.push_back("invalid indexes " + std::to_string(migration.version));
    return invalid;
  }
  bool repair(long long version) override {
    calls.push_back("repair " + std::to_string(version));
    return repairable(version);
  }
  std::string lock_holder() override {
    ++holder_questions;
    return "pid 42 application_name=other";
  }
  std::string table_lock_holders() override {
    calls.push_back("table holders");
    return "pid 77 application_name=app idle in transaction for 12s on conversations";
  }
  Clock::time_point now() override { return clock_; }
  std::optional<int> sleep(Milliseconds duration) override {
    calls.push_back("sleep");
    if (signal_during_sleep) return signal_during_sleep;
    slept += duration;
    clock_ += duration;
    return std::nullopt;
  }
  std::optional<int> stop_signal() override { return SIGTERM; }

 private:
  StepOutcome next_result() {
    clock_ += 10ms;  // every round trip takes a little time
    if (step_results.empty()) return {StepResult::applied};
    const StepResult result = step_results.front();
    step_results.pop_front();
    if (result == StepResult::failed) {
      MigrationFailure failure;
      failure.file = "the_failing_file.up.sql";
      failure.message = "syntax error";
      return StepOutcome::failed_with(failure);
    }
    return {result, result == StepResult::connection_lost ? "server closed the connection" : ""};
  }
  static Reread copy(const Reread& reread) { return reread; }

  MessageContext context_{.table = default_history_table(),
                          .lock_key = 1,
                          .applied_by_sql = "'test'",
                          .table_lock_timeout = 2s,
                          .printed = false};
  Clock::time_point clock_ = Clock::time_point{} + 1h;
};

Reread history_read(History history) { return {std::move(history), std::nullopt, ExitCode::migration_failed}; }

ApplyRequest request(Milliseconds lock_timeout = 60s) {
  ApplyRequest request;
  request.lock_timeout = lock_timeout;
  request.seed = 7;
  return request;
}

std::string calls_of(const ScriptedDatabase& database) {
  std::string out;
  for (const auto& call : database.calls) out += (out.empty() ? "" : ", ") + call;
  return out;
}

const std::vector<Migration> three = embedded({1, 2, 3});

// The lines the run logs (to stderr, before any logging core), for the scope.
class CapturedLog {
 public:
  CapturedLog() : path_("/tmp/dbinit-apply-test-" + std::to_string(::getpid()) + ".log"), saved_(::dup(STDERR_FILENO)) {
    std::FILE* file = std::fopen(path_.c_str(), "w");
    ::dup2(::fileno(file), STDERR_FILENO);
    std::fclose(file);
  }
  ~CapturedLog() {
    restore();
    std::remove(path_.c_str());
  }
  std::vector<std::string> lines() {
    restore();
    std::vector<std::string> out;
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_;
};

// The index of the first line holding text, or lines.size().
std::size_t line_with(const std::vector<std::string>& lines, const std::string& text) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (contains(lines[i], text)) return i;
  return lines.size();
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_fresh_database_gets_every_migration_in_order_without_a_reread) {
  ScriptedDatabase database;
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 3u);
  BOOST_TEST(calls_of(database) == "batch 1 2 3");
}

BOOST_AUTO_TEST_CASE(a_busy_lock_is_waited_for_then_the_step_is_applied_once) {
  ScriptedDatabase database;
  database.step_results = {StepResult::applied, StepResult::lock_busy, StepResult::lock_busy};
  // While dbinit waited, nothing changed: version 1 is its own.
  database.rereads = {history_read(history_of({row_for(three[0])}))};
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 3u);
  BOOST_TEST(calls_of(database) == "batch 1 2 3, sleep, reread, batch 2 3, sleep, reread, batch 2 3");
  BOOST_TEST(database.holder_questions == 1u);  // named at once, not again within 5 s
  BOOST_TEST(database.slept <= 150ms);          // the first two delays are short (50 and 100 ms ceilings)
}

// The app held a table lock longer than --ddl-lock-timeout: the step rolled
// back, and is tried again after a jittered pause, without a re-read (its
// version guard still protects it), until it goes through.
BOOST_AUTO_TEST_CASE(a_migration_that_gave_way_to_table_locks_is_tried_again_until_applied) {
  ScriptedDatabase database;
  database.step_results = {StepResult::applied, StepResult::table_lock_conflict, StepResult::table_lock_conflict};
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 3u);
  BOOST_TEST(calls_of(database) == "batch 1 2 3, table holders, sleep, batch 2 3, table holders, sleep, batch 2 3");
  BOOST_TEST(database.slept > 0ms);
  BOOST_TEST(database.slept <= 600ms);  // 200 and 400 ms ceilings
}

BOOST_AUTO_TEST_CASE(table_locks_held_past_the_lock_timeout_end_in_exit_5) {
  ScriptedDatabase database;
  database.step_results = std::deque<StepResult>(100, StepResult::table_lock_conflict);
  const auto outcome = apply_migrations(database, three, History{}, request(3s));
  BOOST_TEST((outcome.exit_code == ExitCode::lock_timeout));
  BOOST_TEST(outcome.applied == 0u);
  BOOST_TEST(database.slept <= 3s);
  BOOST_TEST(database.calls.back() == "table holders");
}

BOOST_AUTO_TEST_CASE(a_version_another_replica_applied_first_is_not_applied_again) {
  ScriptedDatabase database;
  database.step_results = {StepResult::applied, StepResult::applied_elsewhere};
  database.rereads = {history_read(history_of({row_for(three[0]), row_for(three[1])}))};
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 2u);  // 1 and 3; 2 was the other replica's
  BOOST_TEST(calls_of(database) == "batch 1 2 3, reread, batch 3");
}

BOOST_AUTO_TEST_CASE(a_connection_lost_mid_plan_goes_on_from_what_the_history_says) {
  // The server had not committed version 2: it is applied again.
  ScriptedDatabase not_committed;
  not_committed.step_results = {StepResult::applied, StepResult::connection_lost};
  not_committed.rereads = {history_read(history_of({row_for(three[0])}))};
  auto outcome = apply_migrations(not_committed, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(not_committed) == "batch 1 2 3, reread, batch 2 3");
  // It had: version 2 is never sent again.
  ScriptedDatabase committed;
  committed.step_results = {StepResult::applied, StepResult::connection_lost};
  committed.rereads = {history_read(history_of({row_for(three[0]), row_for(three[1])}))};
  outcome = apply_migrations(committed, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(committed) == "batch 1 2 3, reread, batch 3");
}

BOOST_AUTO_TEST_CASE(a_database_that_stays_out_of_reach_ends_the_run_with_its_exit_code) {
  ScriptedDatabase database;
  database.step_results = {StepResult::connection_lost};
  database.rereads = {{std::nullopt, std::nullopt, ExitCode::database_unreachable}};
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::database_unreachable));
  BOOST_TEST(calls_of(database) == "batch 1 2 3, reread");
}

BOOST_AUTO_TEST_CASE(a_stop_signal_ends_the_run_at_once) {
  // While waiting for a busy lock.
  ScriptedDatabase waiting;
  waiting.step_results = {StepResult::lock_busy};
  waiting.signal_during_sleep = SIGTERM;
  auto outcome = apply_migrations(waiting, three, History{}, request());
  BOOST_TEST(outcome.stop_signal.value_or(0) == SIGTERM);
  BOOST_TEST(calls_of(waiting) == "batch 1 2 3, sleep");
  // During a step.
  ScriptedDatabase applying;
  applying.step_results = {StepResult::applied, StepResult::stopped};
  outcome = apply_migrations(applying, three, History{}, request());
  BOOST_TEST(outcome.stop_signal.value_or(0) == SIGTERM);
  BOOST_TEST(outcome.applied == 1u);
  BOOST_TEST(calls_of(applying) == "batch 1 2 3");
}

BOOST_AUTO_TEST_CASE(a_lock_held_past_the_lock_timeout_is_exit_5_without_sleeping_past_it) {
  ScriptedDatabase database;
  database.step_results = std::deque<StepResult>(1000, StepResult::lock_busy);
  database.rereads = {history_read(History{})};
  const auto outcome = apply_migrations(database, three, History{}, request(12s));
  BOOST_TEST((outcome.exit_code == ExitCode::lock_timeout));
  BOOST_TEST(outcome.applied == 0u);
  BOOST_TEST(database.slept <= 12s);
  BOOST_TEST(database.slept >= 11s);
  // Named at 0 s, 5 s and 10 s, and once more when giving up.
  BOOST_TEST(database.holder_questions == 4u);
}

BOOST_AUTO_TEST_CASE(a_failed_step_stops_the_run_before_later_ones) {
  ScriptedDatabase database;
  database.step_results = {StepResult::applied, StepResult::failed};
  const auto outcome = apply_migrations(database, three, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(outcome.applied == 1u);
  BOOST_TEST(calls_of(database) == "batch 1 2 3");
}

BOOST_AUTO_TEST_CASE(repair_removes_the_dirty_mark_first_or_refuses) {
  const History dirty = history_of({row_for(three[0]), row_for(three[1], HistoryState::dirty)});
  ScriptedDatabase refused;
  ApplyRequest repair = request();
  repair.repair = 2;
  auto outcome = apply_migrations(refused, three, dirty, repair);
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(calls_of(refused) == "invalid indexes 2, repair 2");

  ScriptedDatabase repaired;
  repaired.repairable = [](long long version) { return version == 2; };
  outcome = apply_migrations(repaired, three, dirty, repair);
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(repaired) == "invalid indexes 2, repair 2, batch 2 3");
  // Without --repair a dirty version refuses the whole plan.
  ScriptedDatabase untouched;
  outcome = apply_migrations(untouched, three, dirty, request());
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(calls_of(untouched) == "");
}

BOOST_AUTO_TEST_CASE(an_alembic_database_is_adopted_in_one_transaction_or_not_at_all) {
  History alembic_built;
  alembic_built.alembic_revision = "ae1027a6acf";
  ScriptedDatabase adopted;
  auto outcome = apply_migrations(adopted, three, alembic_built, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 3u);
  BOOST_TEST(calls_of(adopted) == "together 1 2 3");

  ScriptedDatabase refused;
  refused.step_results = {StepResult::failed};
  outcome = apply_migrations(refused, three, alembic_built, request());
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(outcome.applied == 0u);
  BOOST_TEST(calls_of(refused) == "together 1 2 3");

  // Another replica adopted it meanwhile: dbinit reads its history and is done.
  ScriptedDatabase raced;
  raced.step_results = {StepResult::lock_busy};
  raced.rereads = {history_read(applied_all(three))};
  outcome = apply_migrations(raced, three, alembic_built, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 0u);
  BOOST_TEST(calls_of(raced) == "together 1 2 3, sleep, reread");
}

BOOST_AUTO_TEST_CASE(going_down_reverts_newest_first) {
  ScriptedDatabase database;
  ApplyRequest down = request();
  down.plan.target = 1;
  const auto outcome = apply_migrations(database, three, applied_all(three), down);
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(database) == "batch -3 -2");
}

// A no-transaction migration cannot share a message: it ends the batch
// before it and runs alone, and the steps after it form the next batch.
BOOST_AUTO_TEST_CASE(a_no_transaction_migration_ends_a_batch_and_runs_alone) {
  std::vector<Migration> set = embedded({1, 2, 3, 4, 5});
  set[2] = numbered(3, "CREATE INDEX CONCURRENTLY i3 ON t1 (x);\n", false, true);
  ScriptedDatabase database;
  const auto outcome = apply_migrations(database, set, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(outcome.applied == 5u);
  BOOST_TEST(calls_of(database) == "batch 1 2, alone 3, batch 4 5");
}

// One pending step is a batch of one: the same way as many.
BOOST_AUTO_TEST_CASE(a_single_pending_step_is_a_batch_of_one) {
  ScriptedDatabase database;
  const auto outcome = apply_migrations(database, three, history_of({row_for(three[0]), row_for(three[1])}), request());
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(database) == "batch 3");
}

// The log tells the story in order: what was applied, then what failed,
// then the summary, which a Space's or a pod's last lines show.
BOOST_AUTO_TEST_CASE(a_failing_batch_logs_what_was_applied_then_the_failure_then_one_summary) {
  const std::vector<Migration> five = embedded({1, 2, 3, 4, 5});
  ScriptedDatabase database;
  database.step_results = {StepResult::applied, StepResult::applied, StepResult::failed};
  CapturedLog log;
  const auto outcome = apply_migrations(database, five, History{}, request());
  const auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  const auto first = line_with(lines, "applied 0001_step_1.up.sql");
  const auto second = line_with(lines, "applied 0002_step_2.up.sql");
  const auto failure = line_with(lines, "migration failed and was rolled back: the_failing_file.up.sql: syntax error");
  BOOST_TEST_REQUIRE(failure < lines.size(), joined(lines));
  BOOST_TEST((first < second && second < failure), joined(lines));
  BOOST_TEST(contains(lines.back(), "migration run failed (exit 4) applied=2 failed=the_failing_file.up.sql pending=3 version=2 elapsed="), joined(lines));
  BOOST_TEST(line_with(lines, "applied 0003") == lines.size(), joined(lines));
}

BOOST_AUTO_TEST_CASE(every_run_that_changed_the_database_ends_with_one_summary) {
  ScriptedDatabase applying;
  CapturedLog applied_log;
  apply_migrations(applying, three, history_of({row_for(three[0])}), request());
  auto lines = applied_log.lines();
  BOOST_TEST_REQUIRE(!lines.empty());
  BOOST_TEST(contains(lines.back(), "migrations applied applied=2 pending=0 version=3 elapsed="), joined(lines));

  ScriptedDatabase up_to_date;
  CapturedLog quiet_log;
  apply_migrations(up_to_date, three, applied_all(three), request());
  lines = quiet_log.lines();
  BOOST_TEST_REQUIRE(lines.size() == 1u, joined(lines));
  BOOST_TEST(contains(lines.back(), "database is up to date applied=0 pending=0 version=3"), joined(lines));

  // Refused before anything was sent: the refusal is the last word.
  ScriptedDatabase refused;
  CapturedLog refused_log;
  apply_migrations(refused, three, history_of({row_for(three[0], HistoryState::dirty)}), request());
  lines = refused_log.lines();
  BOOST_TEST_REQUIRE(lines.size() == 1u, joined(lines));
  BOOST_TEST(contains(lines.back(), "is marked dirty"), joined(lines));

  ScriptedDatabase stopped;
  stopped.step_results = {StepResult::applied, StepResult::stopped};
  CapturedLog stopped_log;
  apply_migrations(stopped, three, History{}, request());
  lines = stopped_log.lines();
  BOOST_TEST(contains(lines.back(), "migration run stopped by signal applied=1 pending=2 version=1"), joined(lines));
  BOOST_TEST(line_with(lines, "whether it was committed is unknown") < lines.size(), joined(lines));
}

BOOST_AUTO_TEST_CASE(an_adoption_that_fails_says_nothing_was_changed) {
  History alembic_built;
  alembic_built.alembic_revision = "ae1027a6acf";
  ScriptedDatabase refused;
  refused.step_results = {StepResult::failed};
  CapturedLog log;
  apply_migrations(refused, three, alembic_built, request());
  const auto lines = log.lines();
  const auto failure = line_with(lines, "migration failed and was rolled back");
  const auto nothing = line_with(lines, "nothing was changed: the migrations adopting this database run in one transaction");
  BOOST_TEST((failure < nothing && nothing < lines.size()), joined(lines));
  BOOST_TEST(contains(lines.back(), "migration run failed (exit 4) applied=0 failed=the_failing_file.up.sql pending=3 version=none"), joined(lines));
}

// An index an earlier try left invalid would make CREATE INDEX IF NOT
// EXISTS succeed without building it: --repair refuses until it is dropped.
BOOST_AUTO_TEST_CASE(repair_refuses_while_an_index_the_migration_builds_is_invalid) {
  const History dirty = history_of({row_for(three[0]), row_for(three[1], HistoryState::dirty)});
  ScriptedDatabase database;
  database.repairable = [](long long) { return true; };
  database.invalid = {{"t_a", "t"}};
  ApplyRequest repair = request();
  repair.repair = 2;
  CapturedLog log;
  const auto outcome = apply_migrations(database, three, dirty, repair);
  const auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(calls_of(database) == "invalid indexes 2");
  BOOST_TEST(line_with(lines, "index t_a on t is invalid: drop it with DROP INDEX CONCURRENTLY t_a; then run dbinit "
                              "migrate --repair 2") < lines.size(), joined(lines));
}

// A database create_all made: the versions up to the baseline recorded
// without running them, in one transaction, then the rest applied.
BOOST_AUTO_TEST_CASE(a_baseline_records_the_versions_up_to_it_then_applies_the_rest) {
  ApplyRequest baseline = request();
  baseline.baseline = 2;
  ScriptedDatabase fresh;
  CapturedLog log;
  const auto outcome = apply_migrations(fresh, three, History{}, baseline);
  const auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(fresh) == "baseline 1 2, batch 3");
  BOOST_TEST(line_with(lines, "baselined 0001_step_1.up.sql: recorded as applied without running it") < lines.size(),
             joined(lines));
  BOOST_TEST(contains(lines.back(), "migrations applied applied=1 baselined=2 pending=0 version=3"), joined(lines));
  // Already recorded (a replica, or an earlier start with the same setting): nothing to baseline.
  ScriptedDatabase recorded;
  BOOST_TEST((apply_migrations(recorded, three, history_of({row_for(three[0]), row_for(three[1])}), baseline).exit_code ==
              ExitCode::ok));
  BOOST_TEST(calls_of(recorded) == "batch 3");
  // Another replica recorded it first: read again, nothing to baseline.
  ScriptedDatabase raced;
  raced.step_results = {StepResult::applied_elsewhere};
  raced.rereads = {history_read(history_of({row_for(three[0]), row_for(three[1])}))};
  BOOST_TEST((apply_migrations(raced, three, History{}, baseline).exit_code == ExitCode::ok));
  BOOST_TEST(calls_of(raced) == "baseline 1 2, reread, batch 3");
}

BOOST_AUTO_TEST_CASE(a_baseline_is_refused_on_a_database_dbinit_migrated_or_for_an_unknown_version) {
  ApplyRequest baseline = request();
  baseline.baseline = 2;
  ScriptedDatabase migrated;
  CapturedLog log;
  auto outcome = apply_migrations(migrated, three, history_of({row_for(three[0])}), baseline);
  auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(calls_of(migrated) == "");
  BOOST_TEST(contains(lines.back(), "--baseline 2 refused: the history already has 1 version(s), up to 1"), joined(lines));
  baseline.baseline = 9;
  ScriptedDatabase unknown;
  outcome = apply_migrations(unknown, three, History{}, baseline);
  BOOST_TEST((outcome.exit_code == ExitCode::usage));
  BOOST_TEST(calls_of(unknown) == "");
}

// A statement of a no-transaction migration that meets the app's table
// locks gives way and is tried again, backing off on the seam's clock (no
// real time passes), and the migration goes on where it was: the
// statements before it are not sent again.
BOOST_AUTO_TEST_CASE(a_no_transaction_statement_that_gave_way_is_tried_again_on_the_seams_clock) {
  std::vector<Migration> set = embedded({1});
  set.push_back(numbered(2, "UPDATE t1 SET x = 1;\nALTER TABLE t1 ADD COLUMN y int;\n", false, true));
  ScriptedDatabase database;
  database.statement_sqlstates = {"", "55P03", "40P01", ""};
  CapturedLog log;
  const auto outcome = apply_migrations(database, set, History{}, request());
  const auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::ok), joined(lines));
  BOOST_TEST(outcome.applied == 2u);
  BOOST_TEST(calls_of(database) == "batch 1, alone 2, table holders, sleep, table holders, sleep");
  std::string sent;
  for (const auto& message : database.messages) sent += (sent.empty() ? "" : " ") + message;
  BOOST_TEST(sent == "lock recorded? dirty limit statement statement statement statement reset applied unlock");
  BOOST_TEST(database.slept > 0ms);
  BOOST_TEST(database.slept <= 600ms);  // 200 and 400 ms ceilings
  BOOST_TEST(line_with(lines, "a statement of 0002_step_2.up.sql gave way to a table lock; trying it again") < lines.size(),
             joined(lines));
  BOOST_TEST(line_with(lines, "applied 0002_step_2.up.sql") < lines.size(), joined(lines));
}

// Past the lock timeout the statement's last refusal stands: the migration
// failed, what completed before it stays, and its version stays dirty.
BOOST_AUTO_TEST_CASE(a_no_transaction_statement_giving_way_past_the_lock_timeout_fails_and_stays_dirty) {
  std::vector<Migration> set{numbered(1, "UPDATE t1 SET x = 1;\nALTER TABLE t1 ADD COLUMN y int;\n", false, true)};
  ScriptedDatabase database;
  database.statement_sqlstates = {""};
  database.statement_sqlstates.insert(database.statement_sqlstates.end(), 1000, "55P03");
  CapturedLog log;
  const auto outcome = apply_migrations(database, set, History{}, request(3s));
  const auto lines = log.lines();
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed), joined(lines));
  BOOST_TEST(database.slept <= 3s);
  BOOST_TEST(database.slept >= 2s);
  BOOST_TEST(database.messages.back() == "unlock");
  BOOST_TEST(line_with(lines, "it ran without a transaction, so 1 statement(s) before this one completed and stay") <
                 lines.size(), joined(lines));
  BOOST_TEST(line_with(lines, "version 1 stays marked dirty") < lines.size(), joined(lines));
}

// A CONCURRENTLY statement never gives way (giving up half-way would leave
// an invalid index): its lock conflict fails the migration at once.
BOOST_AUTO_TEST_CASE(a_concurrently_statement_does_not_give_way) {
  std::vector<Migration> set{numbered(1, "CREATE INDEX CONCURRENTLY i1 ON t1 (x);\n", false, true)};
  ScriptedDatabase database;
  database.statement_sqlstates = {"55P03"};
  CapturedLog log;
  const auto outcome = apply_migrations(database, set, History{}, request());
  BOOST_TEST((outcome.exit_code == ExitCode::migration_failed));
  BOOST_TEST(calls_of(database) == "alone 1");
  BOOST_TEST(database.slept == 0ms);
}

// The session lock busy: nothing was marked, and the run polls it like the
// transaction lock, then finds the history as it was.
BOOST_AUTO_TEST_CASE(a_busy_session_lock_marks_nothing_and_is_polled) {
  std::vector<Migration> set{numbered(1, "CREATE INDEX CONCURRENTLY i1 ON t1 (x);\n", false, true)};
  ScriptedDatabase database;
  database.session_lock_free = false;
  database.rereads = {history_read(History{})};
  CapturedLog log;
  const auto outcome = apply_migrations(database, set, History{}, request(1s));
  BOOST_TEST((outcome.exit_code == ExitCode::lock_timeout));
  for (const auto& message : database.messages) BOOST_TEST(message == "lock");
  BOOST_TEST(database.slept <= 1s);
}
