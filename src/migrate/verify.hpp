#pragma once
// `dbinit verify`: the way back of every migration, checked on a scratch
// database. Every version goes up one at a time, the schema recorded after
// each (migrate/schema_snapshot.hpp); then down one at a time, each down
// compared with the schema before its up; then up again to the newest, each
// compared with its first up. The steps are migrate's own (a run of
// migrate/apply.hpp to --target V), so what verify checks is what
// `dbinit migrate --target V` does. A database holding any table, view,
// sequence, type or function outside the system schemas is refused: verify
// never touches real data. It leaves the database at the newest version.
#include "migrate/settings.hpp"
#include "migration_set/source.hpp"
#include "pg/session.hpp"

namespace dbinit {

// 0: every way back restores the schema (or, with --allow-irreversible,
// does so down to a version without a down file); 2: not a scratch
// database; 4: a down failed or did not restore, an up failed, or a down
// file is missing; 128+N for stop signal N.
int run_verify(const MigrateSettings& settings, const MigrationSet& set, Session& session);

}  // namespace dbinit
