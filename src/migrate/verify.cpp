#include "migrate/verify.hpp"

#include "core/backoff.hpp"
#include "core/duration.hpp"
#include "log/log.hpp"
#include "migrate/apply.hpp"
#include "migrate/messages.hpp"
#include "migrate/pg_database.hpp"
#include "migrate/schema_snapshot.hpp"

namespace dbinit {

namespace {

constexpr auto phase = log::Phase::migrate;

// One verify run over one session: a step is a migrate run to a target, a
// look is one snapshot message.
class Verification {
 public:
  Verification(const MigrateSettings& settings, const std::vector<Migration>& migrations, Session& session)
      : settings_(settings),
        migrations_(migrations),
        session_(session),
        database_(session, {.table = settings.history_table,
                            .lock_key = lock_key(settings.history_table),
                            .applied_by_sql = quote_literal(applied_by()),
                            .table_lock_timeout = settings.table_lock_timeout}) {}

  int run() {
    auto history = history_from_results(session_.take_first_read(), settings_.history_table);
    if (!history) return to_int(ExitCode::migration_failed);
    if (auto refused = scratch_refusal()) return *refused;
    const std::size_t count = migrations_.size();
    log::info(phase, "verify: " + std::to_string(count) +
                         " migration(s) up one at a time, down one at a time, then up again, the schema compared after each");
    std::vector<SchemaSnapshot> after_up;  // [i]: after version i went up; [0]: the empty database
    if (!look(after_up.emplace_back())) return failed();
    for (std::size_t i = 0; i < count; ++i) {
      const auto outcome = step_to(migrations_[i].version);
      if (outcome) return *outcome == 0 ? failed("up of " + version(i) + " failed") : *outcome;
      if (!look(after_up.emplace_back())) return failed();
    }
    // Down, as far as there are down files.
    std::size_t at = count;  // versions applied
    for (; at > 0; --at) {
      if (!migrations_[at - 1].down) break;
      const long long below = at >= 2 ? migrations_[at - 2].version : 0;
      if (auto outcome = step_to(below)) {
        if (*outcome != 0) return *outcome;
        return finish_failed("the down of " + version(at - 1) + " failed (rolled back: the database stays at " +
                             version(at - 1) + ")", at);
      }
      SchemaSnapshot now;
      if (!look(now)) return failed();
      if (!same(after_up[at - 1], now, "down of " + version(at - 1)))
        return finish_failed("the down of " + version(at - 1) + " does not restore the schema before its up", at - 1);
    }
    const std::size_t lowest = at;
    // Up again, comparing each with its first up.
    for (std::size_t i = lowest; i < count; ++i) {
      if (auto outcome = step_to(migrations_[i].version)) {
        if (*outcome != 0) return *outcome;
        return failed("up of " + version(i) + " again failed after its down");
      }
      SchemaSnapshot now;
      if (!look(now)) return failed();
      if (!same(after_up[i + 1], now, "up of " + version(i) + " again"))
        return finish_failed("up of " + version(i) + " again does not give the schema of its first up", i + 1);
    }
    if (lowest > 0) {
      const std::string irreversible = version(lowest - 1);
      const std::string checked = lowest == count ? "no version was reverted"
                                                  : "versions " + version(lowest) + " to " + version(count - 1) +
                                                        " went down and up again and restored the schema";
      if (!settings_.allow_irreversible) {
        log::error(phase, "verify: version " + irreversible + " has no down file: the check of the way back ends there (" +
                              checked + "); --allow-irreversible accepts it");
        return to_int(ExitCode::migration_failed);
      }
      log::info(phase, "verify: version " + irreversible + " has no down file: the check of the way back ends there (" +
                           checked + "), accepted by --allow-irreversible");
      return to_int(ExitCode::ok);
    }
    log::info(phase, "verify: every down restores the schema before its up, and every up again the schema of its first",
              {{"versions", std::to_string(count)}});
    return to_int(ExitCode::ok);
  }

 private:
  std::string version(std::size_t index) const { return std::to_string(migrations_[index].version); }

  // Refused, exit 2, unless the database holds nothing of a user's.
  std::optional<int> scratch_refusal() {
    const QueryOutcome outcome = run_query(session_.connection(), user_objects_sql(), std::nullopt, session_.stop());
    if (outcome.status == IoStatus::stopped) return exit_code_for_signal(session_.stop().received().value_or(SIGTERM));
    const auto error = outcome.status == IoStatus::ready ? first_error(outcome.results) : std::nullopt;
    if (outcome.status != IoStatus::ready || error || outcome.results.empty()) {
      log::error(phase, "verify: cannot tell whether the database is empty: " + (error ? error->message : outcome.error));
      return to_int(ExitCode::migration_failed);
    }
    const PGresult* found = outcome.results.back().get();
    if (PQntuples(found) == 0) return std::nullopt;
    std::string objects;
    for (int row = 0; row < PQntuples(found); ++row) objects += (row ? ", " : "") + std::string(PQgetvalue(found, row, 0));
    log::error(phase, "verify refused: the database is not empty (" + objects + (PQntuples(found) == 5 ? ", ..." : "") +
                          "); verify applies and reverts every migration, so it runs only on a scratch database "
                          "without tables, views, sequences, types or functions of its own");
    return to_int(ExitCode::usage);
  }

  // The database to `target` through migrate's own run; nullopt when it got
  // there, 0 when a migration failed (the run logged it), else the exit code.
  std::optional<int> step_to(long long target) {
    Reread reread = database_.reread();
    if (reread.stop_signal) return exit_code_for_signal(*reread.stop_signal);
    if (!reread.history) return to_int(reread.failure);
    const ApplyRequest request{.plan = {.target = target, .strict = settings_.strict},
                               .repair = std::nullopt,
                               .baseline = std::nullopt,
                               .lock_timeout = settings_.lock_timeout,
                               .lock_polling = lock_polling,
                               .table_lock_backoff = table_lock_backoff,
                               .seed = random_seed()};
    const ApplyOutcome applied = apply_migrations(database_, migrations_, std::move(*reread.history), request);
    if (applied.stop_signal) return exit_code_for_signal(*applied.stop_signal);
    if (applied.exit_code == ExitCode::migration_failed) return 0;
    if (applied.exit_code != ExitCode::ok) return to_int(applied.exit_code);
    return std::nullopt;
  }

  bool look(SchemaSnapshot& snapshot) {
    const QueryOutcome outcome =
        run_query(session_.connection(), schema_snapshot_sql(settings_.history_table), std::nullopt, session_.stop());
    const auto error = outcome.status == IoStatus::ready ? first_error(outcome.results) : std::nullopt;
    if (outcome.status != IoStatus::ready || error || outcome.results.empty()) {
      log::error(phase, "verify: the schema snapshot failed: " + (error ? error->message : outcome.error));
      return false;
    }
    const PGresult* rows = outcome.results.back().get();
    std::vector<SchemaObject> objects;
    for (int row = 0; row < PQntuples(rows); ++row)
      objects.push_back({PQgetvalue(rows, row, 0), PQgetvalue(rows, row, 1), PQgetvalue(rows, row, 2),
                         PQgetvalue(rows, row, 3)});
    snapshot = make_snapshot(std::move(objects));
    return true;
  }

  bool same(const SchemaSnapshot& expected, const SchemaSnapshot& found, const std::string& after) {
    const auto differences = compare_snapshots(expected, found);
    for (const auto& difference : differences) log::error(phase, describe(difference, after));
    return differences.empty();
  }

  int failed(const std::string& what = "") {
    if (!what.empty()) log::error(phase, "verify: " + what);
    return to_int(ExitCode::migration_failed);
  }

  // Exit 4 once the database is back at the newest version, as verify
  // always leaves it, when migrate can take it there.
  int finish_failed(const std::string& what, std::size_t applied) {
    log::error(phase, "verify: " + what);
    if (applied < migrations_.size()) {
      if (auto outcome = step_to(migrations_.back().version))
        log::error(phase, "verify: the database could not be taken back to the newest version, " +
                              std::to_string(migrations_.back().version) + "; it is a scratch database: drop it");
    }
    return to_int(ExitCode::migration_failed);
  }

  const MigrateSettings& settings_;
  const std::vector<Migration>& migrations_;
  Session& session_;
  PgMigrationDatabase database_;
};

}  // namespace

int run_verify(const MigrateSettings& settings, const MigrationSet& set, Session& session) {
  if (set.migrations.empty()) {
    log::info(phase, "verify: the migration set is empty; nothing to check");
    return to_int(ExitCode::ok);
  }
  return Verification(settings, set.migrations, session).run();
}

}  // namespace dbinit
