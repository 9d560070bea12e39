#pragma once
// Where the running migration set comes from: a directory given at run time
// (--migrations-dir, for development), else the set bundled onto this binary
// (`dbinit bundle`), else the set compiled in. Whichever it is, it is read
// and checked before any connection, by the one set of rules in migration_set/set.hpp.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "migration_set/set.hpp"

namespace dbinit {

enum class SetSource { compiled_in, bundled, directory };
std::string_view source_name(SetSource source);  // "compiled-in", "bundled", "directory"

struct MigrationSet {
  SetSource source = SetSource::compiled_in;
  std::string location;  // the directory, for SetSource::directory
  std::vector<Migration> migrations;
  std::string digest;    // set_digest() of the migrations
};

struct LoadOutcome {
  std::optional<MigrationSet> set;
  std::string error;  // one line: what is wrong and what is accepted
};

LoadOutcome load_migration_set(const std::optional<std::string>& directory, std::span<const EmbeddedFile> compiled_in);

// The files of a directory that may be migrations (README and dot files, and
// subdirectories, left out); error set when it cannot be read.
std::vector<MigrationFile> read_directory(const std::string& directory, std::string& error);

// "bundled, 2 migrations (versions 1 to 2), digest 1a2b3c4d5e6f"
std::string describe(const MigrationSet& set);

}  // namespace dbinit
