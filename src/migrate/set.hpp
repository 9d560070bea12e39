#pragma once
// The embedded migration files, paired into versions: what dbinit can apply.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "migrate/embedded_files.hpp"

namespace dbinit {

inline constexpr std::string_view no_transaction_directive = "-- dbinit:no-transaction";

struct MigrationScript {
  std::string file_name;
  std::string sql;  // BOM removed, CRLF -> LF: what is sent and what line numbers refer to
  bool no_transaction = false;
};

struct Migration {
  long long version = 0;
  std::string name;      // the description part of the file name
  std::string checksum;  // of the up file
  MigrationScript up;
  std::optional<MigrationScript> down;
};

// Sorted by version. The build already refused malformed sets (see
// cmake/embed_migrations.cmake), so this only pairs and checksums.
std::vector<Migration> load_migrations(std::span<const EmbeddedFile> files);

}  // namespace dbinit
