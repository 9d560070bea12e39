#include "config/tools.hpp"

#include <chrono>
#include <iostream>

#include "core/duration.hpp"
#include "migrate/bundle.hpp"
#include "migrate/scaffold.hpp"
#include "migrate/source.hpp"
#include "pg/ca_bundle.hpp"
#include "pg/system_roots.hpp"

namespace dbinit {

namespace {

int refuse(const std::string& line) {
  std::cerr << "dbinit: " << line << "\n";
  return to_int(ExitCode::usage);
}

int print_version(const Config& config, std::span<const EmbeddedFile> compiled_in) {
  const auto loaded = load_migration_set(config.migrate.migrations_dir, compiled_in);
  if (!loaded.set) return refuse(loaded.error);
  std::cout << "dbinit " DBINIT_VERSION "\nsslrootcert=system: " << built_in_root_count() << " built-in CAs ("
            << built_in_ca_bundle().origin << ")\nmigrations: " << describe(*loaded.set) << "\n";
  return to_int(ExitCode::ok);
}

int bundle(const Config& config) {
  const std::string& directory = config.command_argv.front();
  const auto start = Clock::now();
  std::string error;
  const auto files = read_directory(directory, error);
  if (!error.empty()) return refuse(error);
  const SetOutcome set = read_migration_set(files);
  if (!set.error.empty()) return refuse("in " + directory + ": migration file " + set.error);
  if (auto failure = write_bundle(files, config.output); !failure.empty()) return refuse(failure);
  std::cout << "wrote " << config.output << ": dbinit " DBINIT_VERSION " with " << set.migrations.size()
            << " migrations from " << directory << ", digest " << set_digest(set.migrations) << " (in "
            << format_duration(since(start)) << ")\n";
  return to_int(ExitCode::ok);
}

int new_migration(const Config& config) {
  const auto created = create_migration_files(config.command_argv.front(), config.migrate.migrations_dir.value_or("sql"));
  if (!created.error.empty()) return refuse(created.error);
  for (const auto& path : created.paths) std::cout << path << "\n";
  return to_int(ExitCode::ok);
}

}  // namespace

std::optional<int> run_tool(const Config& config, std::span<const EmbeddedFile> compiled_in) {
  switch (config.command) {
    case Command::version: return print_version(config, compiled_in);
    case Command::bundle: return bundle(config);
    case Command::new_migration: return new_migration(config);
    default: return std::nullopt;
  }
}

}  // namespace dbinit
