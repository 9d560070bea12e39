#pragma once
// Which phases a run goes through, and with what, decided from the Config
// alone: main only runs them in order.
#include <optional>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "migrate/settings.hpp"
#include "migration_set/source.hpp"
#include "pg/session.hpp"

namespace dbinit {

struct Phases {
  bool wait = false;                     // open a database session
  std::optional<MigrateAction> migrate;  // on that session
  bool hand_off = false;                 // start COMMAND
};

Phases phases_for(const Config& config);

// The session the wait phase opens: the migration connection (a Neon pooled
// host made direct) and the history read when migrating, the app's
// connection and a trivial query otherwise; one attempt with --skip-wait.
SessionSettings session_settings(const Config& config, const DatabaseUrls& urls);

// The placeholders of the set's files that carry the marker
// (migration_set/placeholders.hpp) filled from the environment, for the
// migrate actions that send or print migrations; nothing for the others.
// Empty when done, else the one line naming file, line and variable. The
// secrets' values go to secrets, for redaction.
std::string fill_set_placeholders(MigrationSet& set, MigrateAction action, std::vector<std::string>& secrets);

// Every password the run's connections may carry, for redaction: those in
// the connection strings and PGPASSWORD.
std::vector<std::string> database_secrets(const DatabaseUrls& urls);

}  // namespace dbinit
