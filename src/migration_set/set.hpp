#pragma once
// A migration set: files named NNNN_description.up.sql / .down.sql, checked
// and paired into versions. Whichever way a set arrives (compiled in,
// bundled, a directory), it goes through read_migration_set(): one set of
// rules, one checksum per file, so a database migrated from one source is up
// to date for the others with the same files.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration_set/embedded_files.hpp"

namespace dbinit {

inline constexpr std::string_view no_transaction_directive = "-- dbinit:no-transaction";

struct MigrationFile {
  std::string file_name;  // the base name
  std::string content;    // the bytes as stored
};

struct MigrationScript {
  std::string file_name;
  std::string sql;  // BOM removed, CRLF -> LF: what is sent and what line numbers refer to
  bool no_transaction = false;
};

// What dbinit-from-alembic writes in the header of an up file it converted
// (the lines before the first blank one), so that a database Alembic built
// is adopted at the migration that matches its alembic_version.
struct AlembicOrigin {
  std::vector<std::string> heads_after;  // what alembic_version holds once this migration ran, sorted
  // Captured by running an upgrade that reads rows on an empty database: on
  // a database with rows it might have done more than the file says.
  bool reads_rows = false;
};

struct Migration {
  long long version = 0;
  std::string name;      // the description part of the file name
  std::string checksum;  // of the up file
  MigrationScript up;
  std::optional<MigrationScript> down;
  std::optional<AlembicOrigin> alembic;  // converted by dbinit-from-alembic
};

// The header lines of dbinit-from-alembic, as python/dbinit_tools writes them.
inline constexpr std::string_view alembic_heads_marker = "-- alembic_version after this migration:";
inline constexpr std::string_view alembic_reads_rows_marker = "-- Its upgrade reads rows:";

// The AlembicOrigin an up file's header names; nullopt when it names none.
std::optional<AlembicOrigin> alembic_origin_of(std::string_view sql);

struct SetOutcome {
  std::vector<Migration> migrations;  // sorted by version, when error is empty
  std::string error;                  // "FILE: what is wrong; what is accepted"
};

// The rules: a file name NNNN_description.up.sql or .down.sql (description:
// lower-case letters, digits, underscores); one up and at most one down file
// per version; no down file without its up file; no empty file; no
// transaction statement (BEGIN, COMMIT, ...) in a migration that runs in a
// transaction (the first line `-- dbinit:no-transaction` makes one run
// without). README files and names starting with '.' are not migrations.
SetOutcome read_migration_set(const std::vector<MigrationFile>& files);

// Whether a directory entry is meant as a migration at all.
bool is_migration_candidate(std::string_view file_name);

// Statements that would break the one-transaction-per-migration rule.
std::optional<std::string> transaction_control_problem(const MigrationScript& script);

// Of every version and checksum: tells two sets apart at a glance.
std::string set_digest(const std::vector<Migration>& migrations);

}  // namespace dbinit
