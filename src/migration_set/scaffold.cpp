#include "migration_set/scaffold.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/unique_fd.hpp"
#include "migration_set/set.hpp"
#include "migration_set/source.hpp"

namespace dbinit {

namespace {

std::string padded(long long version) {
  char text[32];
  std::snprintf(text, sizeof text, "%04lld", version);
  return text;
}

// O_EXCL: an existing file is never overwritten.
bool write_new_file(const std::string& path, const std::string& content, std::string& error) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd || ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

bool valid_migration_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

NewFiles create_migration_files(const std::string& name, const std::string& directory) {
  NewFiles created;
  if (!valid_migration_name(name)) {
    created.error = "invalid migration name '" + name + "': expected " + std::string(migration_name_forms);
    return created;
  }
  std::error_code failure;
  std::filesystem::create_directories(directory, failure);
  if (failure) {
    created.error = "cannot create the migrations directory " + directory + ": " + failure.message();
    return created;
  }
  std::string error;
  const auto files = read_directory(directory, error);
  if (!error.empty()) {
    created.error = error;
    return created;
  }
  const SetOutcome set = read_migration_set(files);
  if (!set.error.empty()) {
    created.error = "in " + directory + ": migration file " + set.error;
    return created;
  }
  const long long version = set.migrations.empty() ? 1 : set.migrations.back().version + 1;
  const std::string stem = padded(version) + "_" + name;
  const std::string up = (std::filesystem::path(directory) / (stem + ".up.sql")).string();
  const std::string down = (std::filesystem::path(directory) / (stem + ".down.sql")).string();
  const std::string up_text =
      "-- " + stem + ": what this migration changes.\n"
      "-- dbinit runs it in one transaction with its history row. For statements that\n"
      "-- cannot run in one (CREATE INDEX CONCURRENTLY), make the first line read\n"
      "-- `" + std::string(no_transaction_directive) + "`.\n";
  const std::string down_text = "-- " + stem + " (down): undoes " + stem + ".up.sql; run by\n" +
                                "-- dbinit migrate --target " + std::to_string(version - 1) + "\n";
  if (!write_new_file(up, up_text, created.error)) return created;
  if (!write_new_file(down, down_text, created.error)) {
    ::unlink(up.c_str());  // best effort: leave no half of a pair behind
    return created;
  }
  created.paths = {up, down};
  return created;
}

}  // namespace dbinit
