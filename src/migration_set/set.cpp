#include "migration_set/set.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "core/text.hpp"
#include "migration_set/checksum.hpp"
#include "migration_set/sql_split.hpp"

namespace dbinit {

namespace {

constexpr std::string_view name_forms =
    "expected NNNN_description.up.sql or NNNN_description.down.sql (description: lower-case letters, digits, "
    "underscores)";

struct FileName {
  long long version;
  std::string description;
  Direction direction;
};

std::optional<FileName> parse_file_name(std::string_view name) {
  FileName parsed{};
  Direction direction;
  if (name.ends_with(".up.sql")) {
    direction = Direction::up;
    name.remove_suffix(7);
  } else if (name.ends_with(".down.sql")) {
    direction = Direction::down;
    name.remove_suffix(9);
  } else {
    return std::nullopt;
  }
  const auto underscore = name.find('_');
  if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == name.size()) return std::nullopt;
  const auto digits = name.substr(0, underscore);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed.version);
  if (error != std::errc{} || end != digits.data() + digits.size() || parsed.version < 0) return std::nullopt;
  for (const char c : name.substr(underscore + 1))
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return std::nullopt;
  parsed.description = std::string(name.substr(underscore + 1));
  parsed.direction = direction;
  return parsed;
}

MigrationScript script_of(const MigrationFile& file) {
  MigrationScript script;
  script.file_name = file.file_name;
  script.sql = normalize_line_endings(file.content);
  const auto first_line = std::string_view(script.sql).substr(0, script.sql.find('\n'));
  const auto last = first_line.find_last_not_of(" \t");
  script.no_transaction = last != std::string_view::npos && first_line.substr(0, last + 1) == no_transaction_directive;
  return script;
}

std::string first_word(std::string_view statement) {
  std::string word;
  for (const char c : statement) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return word;
}

}  // namespace

std::optional<AlembicOrigin> alembic_origin_of(std::string_view sql) {
  const auto blank = sql.find("\n\n");
  const std::string_view header = sql.substr(0, blank);
  std::optional<AlembicOrigin> origin;
  bool reads_rows = false;
  for (std::size_t start = 0; start < header.size();) {
    const auto end = std::min(header.find('\n', start), header.size());
    const std::string_view line = header.substr(start, end - start);
    start = end + 1;
    if (line.starts_with(alembic_reads_rows_marker)) reads_rows = true;
    if (!line.starts_with(alembic_heads_marker)) continue;
    origin.emplace();
    std::string_view heads = line.substr(alembic_heads_marker.size());
    while (!heads.empty()) {
      const auto word_start = heads.find_first_not_of(" \t");
      if (word_start == std::string_view::npos) break;
      heads.remove_prefix(word_start);
      const auto word_end = std::min(heads.find_first_of(" \t"), heads.size());
      origin->heads_after.emplace_back(heads.substr(0, word_end));
      heads.remove_prefix(word_end);
    }
    std::sort(origin->heads_after.begin(), origin->heads_after.end());
  }
  if (origin) origin->reads_rows = reads_rows;
  return origin;
}

bool is_migration_candidate(std::string_view file_name) {
  return !file_name.empty() && !file_name.starts_with('.') && !file_name.starts_with("README");
}

std::optional<std::string> transaction_control_problem(const MigrationScript& script) {
  if (script.no_transaction) return std::nullopt;
  for (const auto& statement : split_statements(script.sql)) {
    const auto word = first_word(statement.text);
    if (word == "BEGIN" || word == "COMMIT" || word == "ROLLBACK" || word == "START" || word == "END" ||
        word == "SAVEPOINT") {
      const auto at = line_column_at(script.sql, statement.offset);
      return script.file_name + ":" + std::to_string(at.line) + ": " + word +
             " is not allowed: dbinit runs each migration in its own transaction (use " +
             std::string(no_transaction_directive) + " on the first line to run without one)";
    }
  }
  return std::nullopt;
}

SetOutcome read_migration_set(const std::vector<MigrationFile>& files) {
  SetOutcome outcome;
  auto refuse = [&](std::string error) {
    outcome.migrations.clear();
    // An error is one line: control characters in a file name are escaped.
    outcome.error = printable(error);
    return std::move(outcome);
  };
  std::map<long long, Migration> by_version;
  std::map<long long, std::string> down_files;  // version -> file name, until its up file is seen
  for (const auto& file : files) {
    if (!is_migration_candidate(file.file_name)) continue;
    const auto name = parse_file_name(file.file_name);
    if (!name) return refuse(file.file_name + ": malformed name; " + std::string(name_forms));
    if (file.content.empty()) return refuse(file.file_name + ": empty file; a migration must contain SQL");
    auto& migration = by_version[name->version];
    migration.version = name->version;
    const bool taken = name->direction == Direction::up ? !migration.up.file_name.empty() : migration.down.has_value();
    if (taken)
      return refuse(file.file_name + ": duplicate version " + std::to_string(name->version) + " (another " +
                    (name->direction == Direction::up ? "up" : "down") + " file has the same number)");
    MigrationScript script = script_of(file);
    if (auto problem = transaction_control_problem(script)) return refuse(*problem);
    if (name->direction == Direction::up) {
      migration.name = name->description;
      migration.checksum = migration_checksum(file.content);
      migration.alembic = alembic_origin_of(script.sql);
      migration.up = std::move(script);
    } else {
      down_files[name->version] = file.file_name;
      migration.down = std::move(script);
    }
  }
  for (auto& [version, migration] : by_version) {
    if (migration.up.file_name.empty())
      return refuse(down_files[version] + ": version " + std::to_string(version) +
                    " has a down file but no up file");
    outcome.migrations.push_back(std::move(migration));
  }
  return outcome;
}

std::string set_digest(const std::vector<Migration>& migrations) {
  std::string listing;
  for (const auto& migration : migrations) listing += std::to_string(migration.version) + ":" + migration.checksum + "\n";
  return sha256_hex(listing).substr(0, 12);
}

}  // namespace dbinit
