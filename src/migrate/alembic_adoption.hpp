#pragma once
// Adopting a database Alembic built with a set that dbinit-from-alembic
// converted from the same revisions: each up file's header names what
// alembic_version holds once it ran, so the database's alembic_version says
// which version it is at, and the versions through it are recorded as
// applied (a baseline) rather than run again. Pure: the set and the
// database's alembic_version in, the decision out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/exit_code.hpp"
#include "migration_set/set.hpp"

namespace dbinit {

struct AlembicAdoption {
  // Record the versions through this one as applied, then migrate; nullopt:
  // the database is at Alembic's base, so every migration runs.
  std::optional<long long> baseline;
  std::optional<std::string> refusal;  // one line: why this database is not adopted
  ExitCode refusal_code = ExitCode::ok;
};

// `alembic_revision`: the revisions of alembic_version joined with ",", or
// "(empty)" (History::alembic_revision). nullopt when no migration of the
// set was converted by dbinit-from-alembic: the set itself takes over
// (the one-transaction adoption of migrate/batch.hpp).
std::optional<AlembicAdoption> alembic_adoption(const std::vector<Migration>& migrations,
                                                std::string_view alembic_revision);

}  // namespace dbinit
