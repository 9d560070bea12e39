#include "migration_set/source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "migration_set/bundle.hpp"

namespace dbinit {

namespace fs = std::filesystem;

std::string_view source_name(SetSource source) {
  switch (source) {
    case SetSource::compiled_in: return "compiled-in";
    case SetSource::bundled: return "bundled";
    case SetSource::directory: return "directory";
  }
  return "compiled-in";
}

std::vector<MigrationFile> read_directory(const std::string& directory, std::string& error) {
  std::vector<MigrationFile> files;
  std::error_code failure;
  fs::directory_iterator entries(directory, failure);
  if (failure) {
    error = "cannot read the migrations directory " + directory + ": " + failure.message();
    return {};
  }
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (!is_migration_candidate(name) || entry.is_directory(failure)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) {
      error = "cannot read " + entry.path().string();
      return {};
    }
    files.push_back({name, content.str()});
  }
  // Directory order is the file system's: sort, so that every report (which
  // of two duplicates is named) is the same everywhere.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.file_name < b.file_name; });
  return files;
}

LoadOutcome load_migration_set(const std::optional<std::string>& directory, std::span<const EmbeddedFile> compiled_in) {
  LoadOutcome outcome;
  MigrationSet set;
  std::vector<MigrationFile> files;
  if (directory) {
    set.source = SetSource::directory;
    set.location = *directory;
    files = read_directory(*directory, outcome.error);
    if (!outcome.error.empty()) return outcome;
  } else if (AttachedSet attached = read_attached_set(); attached.present) {
    if (!attached.error.empty()) {
      outcome.error = std::move(attached.error);
      return outcome;
    }
    set.source = SetSource::bundled;
    files = std::move(attached.files);
  } else {
    for (const auto& file : compiled_in) files.push_back({std::string(file.file_name), std::string(file.content)});
  }
  SetOutcome read = read_migration_set(files);
  if (!read.error.empty()) {
    outcome.error = "migration file " + read.error;
    if (set.source == SetSource::directory) outcome.error = "in " + set.location + ": " + outcome.error;
    return outcome;
  }
  set.migrations = std::move(read.migrations);
  set.digest = set_digest(set.migrations);
  outcome.set = std::move(set);
  return outcome;
}

std::string describe(const MigrationSet& set) {
  std::string text(source_name(set.source));
  if (set.source == SetSource::directory) text += " " + set.location;
  const auto count = set.migrations.size();
  text += ", " + std::to_string(count) + (count == 1 ? " migration" : " migrations");
  if (count > 0)
    text += " (versions " + std::to_string(set.migrations.front().version) + " to " +
            std::to_string(set.migrations.back().version) + ")";
  return text + ", digest " + set.digest;
}

}  // namespace dbinit
