#pragma once
// The migration files compiled into the binary, as they are on disk: names
// and contents, nothing checked. cmake/embed_migrations.cmake generates the
// table into a separate library, so the product and each test binary can
// link a different set; migration_set/set.hpp validates it like any other set.
#include <span>
#include <string_view>

namespace dbinit {

// Which way a file (and a step of a plan) goes.
enum class Direction { up, down };

struct EmbeddedFile {
  std::string_view file_name;
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_migration_files();

}  // namespace dbinit
