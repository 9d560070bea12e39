#pragma once
// `dbinit new NAME`: the next pair of migration files, numbered after the
// highest version in the directory.
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

// Lower-case letters, digits and underscores, as the file names require.
bool valid_migration_name(std::string_view name);
inline constexpr std::string_view migration_name_forms = "lower-case letters, digits and underscores, e.g. add_user_id";

struct NewFiles {
  std::vector<std::string> paths;  // the up file, then the down file
  std::string error;               // one line, when nothing was written
};

// Creates the directory if needed; refuses a directory whose set is malformed.
NewFiles create_migration_files(const std::string& name, const std::string& directory);

}  // namespace dbinit
