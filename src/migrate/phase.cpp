#include "migrate/phase.hpp"

#include <iostream>

#include "core/backoff.hpp"
#include "log/log.hpp"
#include "migrate/apply.hpp"
#include "migrate/pg_database.hpp"
#include "migrate/messages.hpp"
#include "migrate/reports.hpp"

namespace dbinit {

namespace {

MessageContext message_context(const MigrateSettings& settings, std::string applied_by_sql) {
  return {settings.history_table, lock_key(settings.history_table), std::move(applied_by_sql), settings.table_lock_timeout};
}

}  // namespace

std::string first_read_sql(const MigrateSettings& settings) { return read_history_sql(settings.history_table); }

int run_migrate_phase(MigrateAction action, const MigrateSettings& settings, const MigrationSet& set, Session& session) {
  log::info(log::Phase::migrate, "migration set: " + describe(set));
  const std::vector<Migration>& migrations = set.migrations;
  auto history = history_from_results(session.take_first_read(), settings.history_table);
  if (!history) return to_int(ExitCode::migration_failed);
  if (!history->table_exists && history->alembic_revision)
    log::info(log::Phase::migrate, "adopting a database that Alembic managed; its alembic_version is left as it is",
              {{"alembic_revision", *history->alembic_revision}});
  const PlanRequest request{settings.target, settings.strict};
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
      const auto plan = plan_migrations(migrations, *history, request);
      for (const auto& warning : plan.warnings) log::warn(log::Phase::migrate, warning);
      if (plan.refusal) {
        log::error(log::Phase::migrate, plan.refusal->message);
        return to_int(plan.refusal->exit_code);
      }
      std::cout << plan_sql(plan, *history, message_context(settings, std::string(applied_by_placeholder)),
                            settings.baseline)
                << std::flush;
      return to_int(ExitCode::ok);
    }
    case MigrateAction::apply:
      break;
  }
  PgMigrationDatabase database(session, message_context(settings, quote_literal(applied_by())), settings.lock_timeout);
  const ApplyOutcome applied = apply_migrations(database, migrations, std::move(*history),
                                                {request, settings.repair, settings.baseline, settings.lock_timeout,
                                                 lock_polling, table_lock_backoff, random_seed()});
  if (applied.stop_signal) return exit_code_for_signal(*applied.stop_signal);
  return to_int(applied.exit_code);
}

}  // namespace dbinit
