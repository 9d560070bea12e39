#include "config/phases.hpp"

#include <cstdlib>

#include "migrate/phase.hpp"
#include "migration_set/placeholders.hpp"

namespace dbinit {

Phases phases_for(const Config& config) {
  Phases phases;
  switch (config.command) {
    case Command::wait: phases.wait = true; break;
    case Command::migrate: phases.migrate = MigrateAction::apply; break;
    case Command::status: phases.migrate = MigrateAction::status; break;
    case Command::sql: phases.migrate = MigrateAction::sql; break;
    case Command::verify: phases.migrate = MigrateAction::verify; break;
    case Command::run:
      if (config.migrate.await_migrations) phases.migrate = MigrateAction::await_schema;
      else if (!config.migrate.skip) phases.migrate = MigrateAction::apply;
      phases.wait = !config.database.skip_wait;
      phases.hand_off = true;
      break;
    case Command::version:
    case Command::bundle:
    case Command::new_migration:
    case Command::lint:
      break;  // tools (config/tools.hpp): no phase at all
  }
  // Migrating needs a session, whatever --skip-wait says.
  if (phases.migrate) phases.wait = true;
  return phases;
}

SessionSettings session_settings(const Config& config, const DatabaseUrls& urls) {
  const bool migrating = phases_for(config).migrate.has_value();
  SessionSettings settings;
  settings.target = connection_target(config.database, urls, migrating);
  settings.wait_timeout = config.database.wait_timeout;
  settings.connect_timeout = config.database.connect_timeout;
  settings.backoff = config.database.backoff;
  // `dbinit wait` is the wait itself: --skip-wait does not shorten it.
  settings.max_attempts = config.database.skip_wait && config.command != Command::wait ? 1 : 0;
  if (migrating) settings.first_read_sql = first_read_sql(config.migrate);
  return settings;
}

std::string fill_set_placeholders(MigrationSet& set, MigrateAction action, std::vector<std::string>& secrets) {
  if (action == MigrateAction::status || action == MigrateAction::await_schema) return {};
  const auto environment = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  Substitution filled = fill_placeholders(set.migrations, environment,
                                          action == MigrateAction::sql ? PlaceholderUse::show : PlaceholderUse::send);
  secrets = std::move(filled.secret_values);
  return filled.error;
}

std::vector<std::string> database_secrets(const DatabaseUrls& urls) {
  std::vector<std::string> secrets;
  for (const ConnInfo* parsed : {&urls.database, &urls.migration})
    if (const auto password = parsed->values.find("password"); password != parsed->values.end())
      secrets.push_back(password->second);
  if (const char* password = std::getenv("PGPASSWORD")) secrets.emplace_back(password);
  return secrets;
}

}  // namespace dbinit
