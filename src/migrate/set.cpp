#include "migrate/set.hpp"

#include <algorithm>
#include <map>

#include "migrate/checksum.hpp"

namespace dbinit {

namespace {

MigrationScript script_of(const EmbeddedFile& file) {
  MigrationScript script;
  script.file_name = std::string(file.file_name);
  script.sql = normalize_line_endings(file.sql);
  const auto first_line = std::string_view(script.sql).substr(0, script.sql.find('\n'));
  script.no_transaction = first_line.find_last_not_of(" \t") != std::string_view::npos &&
                          first_line.substr(0, first_line.find_last_not_of(" \t") + 1) == no_transaction_directive;
  return script;
}

}  // namespace

std::vector<Migration> load_migrations(std::span<const EmbeddedFile> files) {
  std::map<long long, Migration> by_version;
  for (const auto& file : files) {
    auto& migration = by_version[file.version];
    migration.version = file.version;
    if (file.direction == Direction::up) {
      migration.name = std::string(file.description);
      migration.checksum = migration_checksum(file.sql);
      migration.up = script_of(file);
    } else {
      migration.down = script_of(file);
    }
  }
  std::vector<Migration> migrations;
  for (auto& [version, migration] : by_version) migrations.push_back(std::move(migration));
  return migrations;
}

}  // namespace dbinit
