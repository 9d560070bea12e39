#include "lint/inputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "migration_set/bundle.hpp"
#include "migration_set/checksum.hpp"
#include "migration_set/placeholders.hpp"
#include "migration_set/source.hpp"

namespace dbinit::lint {

namespace fs = std::filesystem;

namespace {

// What is linted: the text as written, but a file that uses placeholders
// with each one neutral (its default, or an identifier), so that it parses
// and its findings keep their lines whatever each environment's values are.
std::string linted_text(std::string sql) {
  return uses_placeholders(sql) ? with_neutral_placeholders(sql) : std::move(sql);
}

std::vector<MigrationText> up_texts(std::vector<Migration> migrations, const std::string& prefix,
                                    const std::optional<std::set<long long>>& pending) {
  std::vector<MigrationText> texts;
  for (auto& migration : migrations)
    texts.push_back({.file = prefix + migration.up.file_name,
                     .sql = linted_text(std::move(migration.up.sql)),
                     .pending = pending && pending->contains(migration.version),
                     .no_transaction = migration.up.no_transaction});
  return texts;
}

std::optional<MigrationText> read_file(const fs::path& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  if (!in || in.bad()) {
    error = path.string() + ": cannot be read: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string sql = normalize_line_endings(content.str());
  const bool no_transaction = has_no_transaction_directive(sql);
  return MigrationText{
      .file = path.string(), .sql = linted_text(std::move(sql)), .pending = false, .no_transaction = no_transaction};
}

}  // namespace

bool is_set_up_file_name(std::string_view name) {
  constexpr std::string_view suffix = ".up.sql";
  if (!name.ends_with(suffix)) return false;
  name.remove_suffix(suffix.size());
  const auto underscore = name.find('_');
  if (underscore == 0 || underscore == std::string_view::npos || underscore + 1 == name.size()) return false;
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto is_name = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  };
  return std::all_of(name.begin(), name.begin() + static_cast<long>(underscore), is_digit) &&
         std::all_of(name.begin() + static_cast<long>(underscore) + 1, name.end(), is_name);
}

std::optional<std::vector<MigrationText>> read_set_directory(const std::string& directory,
                                                             const std::optional<std::set<long long>>& pending,
                                                             std::string& error) {
  LoadOutcome loaded = load_migration_set(directory, {});
  if (!loaded.set) {
    error = loaded.error;
    return std::nullopt;
  }
  return up_texts(std::move(loaded.set->migrations), directory.ends_with('/') ? directory : directory + "/", pending);
}

std::optional<std::vector<MigrationText>> read_set_from_fd(int fd, const std::optional<std::set<long long>>& pending,
                                                           std::string& error) {
  std::string payload;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = "reading the migration set from file descriptor " + std::to_string(fd) + ": " + std::strerror(errno);
      return std::nullopt;
    }
    if (got == 0) break;
    payload.append(buffer, static_cast<std::size_t>(got));
  }
  const auto files = decode_payload(payload);
  if (!files) {
    error = "the migration set on file descriptor " + std::to_string(fd) + " is not a well-formed set";
    return std::nullopt;
  }
  SetOutcome set = read_migration_set(*files);
  if (!set.error.empty()) {
    error = "migration file " + set.error;
    return std::nullopt;
  }
  return up_texts(std::move(set.migrations), "", pending);
}

std::optional<std::vector<MigrationText>> read_paths(const std::vector<std::string>& paths, std::string& error) {
  std::vector<MigrationText> texts;
  for (const std::string& path : paths) {
    std::error_code failure;
    const auto status = fs::status(path, failure);
    if (failure) {
      error = path + ": " + failure.message();
      return std::nullopt;
    }
    if (!fs::is_directory(status)) {
      auto text = read_file(path, error);
      if (!text) return std::nullopt;
      texts.push_back(std::move(*text));
      continue;
    }
    std::vector<fs::path> files;
    bool is_set = false;
    for (const auto& entry : fs::directory_iterator(path, failure)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || !name.ends_with(".sql")) continue;
      is_set = is_set || is_set_up_file_name(name);
      files.push_back(entry.path());
    }
    if (failure) {
      error = path + ": cannot be read: " + failure.message();
      return std::nullopt;
    }
    if (is_set) {
      auto set = read_set_directory(path, std::nullopt, error);
      if (!set) return std::nullopt;
      std::move(set->begin(), set->end(), std::back_inserter(texts));
      continue;
    }
    if (files.empty()) {
      error = path + ": holds no .sql file (a directory is read as its NNNN_name.up.sql set or its .sql files)";
      return std::nullopt;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto text = read_file(file, error);
      if (!text) return std::nullopt;
      texts.push_back(std::move(*text));
    }
  }
  return texts;
}

}  // namespace dbinit::lint
