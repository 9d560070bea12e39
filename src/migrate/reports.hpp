#pragma once
// `dbinit status`: every migration and its state, as a table or as JSON.
// Pure. (`dbinit sql`, the other report that changes nothing, is the run
// itself over migrate/printing_database.hpp.)
#include <string>
#include <string_view>
#include <vector>

#include "core/exit_code.hpp"
#include "migrate/history.hpp"
#include "migration_set/source.hpp"

namespace dbinit {

// baselined: recorded as applied by --baseline, its file never run.
enum class MigrationState { applied, pending, checksum_mismatch, unknown, dirty, baselined };
std::string_view state_name(MigrationState state);

struct StatusRow {
  long long version;
  std::string name;
  MigrationState state;
  std::string applied_at;  // empty when not applied
  std::string checksum;    // as recorded; the file's while it is pending
  std::optional<long long> duration_ms;
};

std::vector<StatusRow> migration_status(const std::vector<Migration>& embedded, const History& history);
// 0 up to date, 1 pending, 4 dirty, 6 mismatch or unknown version between known ones.
ExitCode status_exit_code(const std::vector<StatusRow>& rows, const std::vector<Migration>& embedded);
std::string format_status_table(const std::vector<StatusRow>& rows);
// `dbinit status --format json`: one document, for CI jobs and deploy
// scripts: every migration (version, name, state, checksum, applied_at,
// duration_ms), the set (source, location, digest, count) and a summary
// (a count per state, the database's version, the exit code).
std::string format_status_json(const std::vector<StatusRow>& rows, const MigrationSet& set, ExitCode exit_code);

}  // namespace dbinit
