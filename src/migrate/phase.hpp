#pragma once
// The migrate phase as main runs it: on the session the wait phase opened
// (whose first read is the history read), apply the migrations, or report
// their status or SQL.
#include <string>
#include <vector>

#include "migrate/settings.hpp"
#include "migration_set/source.hpp"
#include "pg/session.hpp"

namespace dbinit {

// The first read of a migrating session.
std::string first_read_sql(const MigrateSettings& settings);

// The exit code: 0, 1 (status: pending), 3, 4, 5, 6, or 128+N for stop signal N.
int run_migrate_phase(MigrateAction action, const MigrateSettings& settings, const MigrationSet& set, Session& session);

}  // namespace dbinit
