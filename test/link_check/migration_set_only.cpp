// A program made of the migration set library alone (test/CMakeLists.txt):
// it links only if no code of the set reaches for libpq, libssl or
// Boost.Log, whose libraries are not on its link line. Run on a directory,
// it does what dbinit-lint and `dbinit bundle` ask of the set: read and
// check it, split every file, and carry it through a bundle's payload.
#include <cstdio>

#include "migration_set/bundle.hpp"
#include "migration_set/source.hpp"
#include "migration_set/sql_split.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: migration_set_only DIRECTORY\n");
    return 2;
  }
  const auto loaded = dbinit::load_migration_set(std::string(argv[1]), {});
  if (!loaded.set) {
    std::fprintf(stderr, "migration_set_only: %s\n", loaded.error.c_str());
    return 2;
  }
  std::size_t statements = 0;
  std::vector<dbinit::MigrationFile> files;
  for (const auto& migration : loaded.set->migrations) {
    statements += dbinit::split_statements(migration.up.sql).size();
    files.push_back({migration.up.file_name, migration.up.sql});
  }
  const auto decoded = dbinit::decode_payload(dbinit::encode_payload(files));
  if (!decoded || decoded->size() != files.size() || files.empty()) {
    std::fprintf(stderr, "migration_set_only: the set did not survive a bundle's payload\n");
    return 1;
  }
  std::printf("%s, %zu statements\n", dbinit::describe(*loaded.set).c_str(), statements);
  return 0;
}
