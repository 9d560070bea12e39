#include "migrate/phase.hpp"

#include <iostream>

#include "core/backoff.hpp"
#include "log/log.hpp"
#include "migrate/alembic_adoption.hpp"
#include "migrate/apply.hpp"
#include "migrate/await.hpp"
#include "migrate/messages.hpp"
#include "migrate/pg_database.hpp"
#include "migrate/printing_database.hpp"
#include "migrate/reports.hpp"
#include "migrate/verify.hpp"

namespace dbinit {

namespace {

MessageContext message_context(const MigrateSettings& settings, bool printed) {
  return {.table = settings.history_table,
          .lock_key = lock_key(settings.history_table),
          .applied_by_sql = printed ? std::string(applied_by_placeholder) : quote_literal(applied_by()),
          .table_lock_timeout = settings.table_lock_timeout,
          .printed = printed};
}

ApplyRequest apply_request(const MigrateSettings& settings) {
  return {.plan = {.target = settings.target, .strict = settings.strict},
          .repair = settings.repair,
          .baseline = settings.baseline,
          .lock_timeout = settings.lock_timeout,
          .lock_polling = lock_polling,
          .table_lock_backoff = table_lock_backoff,
          .seed = random_seed()};
}

// A database Alembic built and dbinit never migrated, with a set that
// dbinit-from-alembic converted: the versions through the one matching its
// alembic_version become the request's baseline (recorded, not run). An
// exit code when the database cannot be adopted (said in one line).
std::optional<int> adopt_alembic_database(const MigrateSettings& settings, const std::vector<Migration>& migrations,
                                          const History& history, ApplyRequest& request) {
  if (history.table_exists || !history.alembic_revision || settings.baseline || settings.repair) return std::nullopt;
  const auto adoption = alembic_adoption(migrations, *history.alembic_revision);
  if (!adoption) return std::nullopt;
  if (adoption->refusal) {
    log::error(log::Phase::migrate, *adoption->refusal, {{"alembic_revision", *history.alembic_revision}});
    return to_int(adoption->refusal_code);
  }
  if (!adoption->baseline) return std::nullopt;  // at Alembic's base: every migration runs
  if (settings.target && *settings.target < *adoption->baseline) {
    log::error(log::Phase::migrate,
               "--target " + std::to_string(*settings.target) + " is below version " +
                   std::to_string(*adoption->baseline) +
                   ", where this database Alembic built is adopted: migrate without --target first; nothing was "
                   "changed",
               {{"alembic_revision", *history.alembic_revision}});
    return to_int(ExitCode::usage);
  }
  request.baseline = adoption->baseline;
  return std::nullopt;
}

int exit_code_of(const ApplyOutcome& outcome) {
  return outcome.stop_signal ? exit_code_for_signal(*outcome.stop_signal) : to_int(outcome.exit_code);
}

}  // namespace

std::string first_read_sql(const MigrateSettings& settings) { return read_history_sql(settings.history_table); }

int run_migrate_phase(MigrateAction action, const MigrateSettings& settings, const MigrationSet& set, Session& session) {
  log::info(log::Phase::migrate, "migration set: " + describe(set));
  // Both read the history themselves, again and again.
  if (action == MigrateAction::verify) return run_verify(settings, set, session);
  if (action == MigrateAction::await_schema) return run_await_phase(settings, set, session);
  const std::vector<Migration>& migrations = set.migrations;
  auto history = history_from_results(session.take_first_read(), settings.history_table);
  if (!history) return to_int(ExitCode::migration_failed);
  switch (action) {
    case MigrateAction::status: {
      const auto rows = migration_status(migrations, *history);
      const ExitCode code = status_exit_code(rows, migrations);
      std::cout << (settings.status_format == StatusFormat::json ? format_status_json(rows, set, code)
                                                                 : format_status_table(rows))
                << std::flush;
      return to_int(code);
    }
    case MigrateAction::sql: {
      // The run itself, printing instead of sending: it refuses what
      // migrate refuses, and prints only when it would not.
      ApplyRequest request = apply_request(settings);
      if (auto refused = adopt_alembic_database(settings, migrations, *history, request)) return *refused;
      PrintingMigrationDatabase printer(session, message_context(settings, true));
      const ApplyOutcome printed = apply_migrations(printer, migrations, std::move(*history), std::move(request));
      if (printed.exit_code == ExitCode::ok && !printed.stop_signal) std::cout << printer.take_text() << std::flush;
      return exit_code_of(printed);
    }
    case MigrateAction::apply:
    case MigrateAction::verify:
    case MigrateAction::await_schema:
      break;
  }
  ApplyRequest request = apply_request(settings);
  if (auto refused = adopt_alembic_database(settings, migrations, *history, request)) return *refused;
  if (!history->table_exists && history->alembic_revision)
    log::info(log::Phase::migrate,
              request.baseline && !settings.baseline
                  ? "adopting a database that Alembic managed at version " + std::to_string(*request.baseline) +
                        ", the migration its alembic_version names; its alembic_version is left as it is"
                  : std::string("adopting a database that Alembic managed; its alembic_version is left as it is"),
              {{"alembic_revision", *history->alembic_revision}});
  PgMigrationDatabase database(session, message_context(settings, false));
  return exit_code_of(apply_migrations(database, migrations, std::move(*history), std::move(request)));
}

}  // namespace dbinit
