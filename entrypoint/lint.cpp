// dbinit-lint: reads a migration set with PostgreSQL's own parser and
// prints what would hurt a live table (src/lint/). A program of its own so
// that dbinit, which starts every container, does not carry the parser:
// `dbinit lint` finds this program beside itself or on PATH and execs it,
// handing over its bundled or compiled-in set on a file descriptor.
//
//   dbinit-lint --migrations-dir DIR    a directory, read by dbinit's rules
//   dbinit-lint --set-fd N              a set dbinit encoded (migration_set/bundle.hpp)
//   --pending-versions V,V,...          the versions still pending on the database
//                                       dbinit read: the tables they create are exempt
//   --warnings                          each finding as "dbinit: warning: ...",
//                                       no summary (dbinit bundle and new)
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lint/lint.hpp"
#include "migration_set/bundle.hpp"
#include "migration_set/source.hpp"

using namespace dbinit;

namespace {

constexpr int usage_exit_code = 2;

struct Arguments {
  std::optional<std::string> migrations_dir;
  std::optional<int> set_fd;
  std::optional<std::set<long long>> pending_versions;  // set: a database was read
  bool warnings = false;
};

int refuse(const std::string& line) {
  std::cerr << "dbinit lint: " << line << "\n";
  return usage_exit_code;
}

std::optional<Arguments> parse_arguments(int argc, char** argv, std::string& error) {
  Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    std::optional<std::string> value;
    if (const auto equals = argument.find('='); argument.starts_with("--") && equals != std::string::npos) {
      value = argument.substr(equals + 1);
      argument.resize(equals);
    }
    const auto take_value = [&]() -> std::optional<std::string> {
      if (value) return value;
      if (i + 1 < argc) return std::string(argv[++i]);
      error = argument + " needs a value";
      return std::nullopt;
    };
    if (argument == "--warnings" && !value) {
      arguments.warnings = true;
    } else if (argument == "--migrations-dir") {
      if (!(arguments.migrations_dir = take_value())) return std::nullopt;
    } else if (argument == "--set-fd") {
      const auto text = take_value();
      if (!text) return std::nullopt;
      int fd = -1;
      const auto [end, failure] = std::from_chars(text->data(), text->data() + text->size(), fd);
      if (failure != std::errc{} || end != text->data() + text->size() || fd < 0) {
        error = "--set-fd takes a file descriptor number, not '" + *text + "'";
        return std::nullopt;
      }
      arguments.set_fd = fd;
    } else if (argument == "--pending-versions") {
      const auto text = take_value();
      if (!text) return std::nullopt;
      arguments.pending_versions.emplace();
      std::stringstream list(*text);
      for (std::string item; std::getline(list, item, ',');) {
        long long version = -1;
        const auto [end, failure] = std::from_chars(item.data(), item.data() + item.size(), version);
        if (failure != std::errc{} || end != item.data() + item.size() || version < 0) {
          error = "--pending-versions takes versions separated by commas, not '" + *text + "'";
          return std::nullopt;
        }
        arguments.pending_versions->insert(version);
      }
    } else {
      error = "unknown argument '" + std::string(argv[i]) +
              "'; usage: dbinit lint [--migrations-dir DIR] (dbinit-lint --migrations-dir DIR | --set-fd N)";
      return std::nullopt;
    }
  }
  if (arguments.migrations_dir.has_value() == arguments.set_fd.has_value()) {
    error = "give one of --migrations-dir DIR and --set-fd N (dbinit lint gives the bundled or compiled-in set)";
    return std::nullopt;
  }
  return arguments;
}

// The set dbinit wrote to `fd`: the bundle's payload format.
std::optional<std::vector<MigrationFile>> read_set_from(int fd, std::string& error) {
  std::string payload;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = std::string("reading the migration set from file descriptor ") + std::to_string(fd) + ": " +
              std::strerror(errno);
      return std::nullopt;
    }
    if (got == 0) break;
    payload.append(buffer, static_cast<std::size_t>(got));
  }
  auto files = decode_payload(payload);
  if (!files) error = "the migration set on file descriptor " + std::to_string(fd) + " is not a well-formed set";
  return files;
}

// The up files, named as a reader finds them: DIR/FILE, or FILE for a set
// carried by dbinit.
std::optional<std::vector<lint::MigrationText>> up_files(const Arguments& arguments, std::string& error) {
  std::vector<Migration> migrations;
  std::string prefix;
  if (arguments.migrations_dir) {
    LoadOutcome loaded = load_migration_set(arguments.migrations_dir, {});
    if (!loaded.set) {
      error = loaded.error;
      return std::nullopt;
    }
    migrations = std::move(loaded.set->migrations);
    prefix = *arguments.migrations_dir;
    if (!prefix.ends_with('/')) prefix += '/';
  } else {
    const auto files = read_set_from(*arguments.set_fd, error);
    if (!files) return std::nullopt;
    SetOutcome set = read_migration_set(*files);
    if (!set.error.empty()) {
      error = "migration file " + set.error;
      return std::nullopt;
    }
    migrations = std::move(set.migrations);
  }
  std::vector<lint::MigrationText> texts;
  for (auto& migration : migrations) {
    const bool pending = arguments.pending_versions && arguments.pending_versions->contains(migration.version);
    texts.push_back({prefix + migration.up.file_name, std::move(migration.up.sql), pending});
  }
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const auto arguments = parse_arguments(argc, argv, error);
  if (!arguments) return refuse(error);
  const auto texts = up_files(*arguments, error);
  if (!texts) return refuse(error);

  const lint::LintReport report = lint::lint_migrations(*texts);
  const std::string prefix = arguments->warnings ? "dbinit: warning: " : "";
  for (const auto& failure : report.failures) std::cout << prefix << lint::format_failure(failure) << "\n";
  for (const auto& finding : report.findings) std::cout << prefix << lint::format_finding(finding) << "\n";
  for (const auto& exemption : report.exemptions) std::cout << prefix << lint::format_exemption(exemption) << "\n";
  std::cout.flush();
  if (arguments->warnings) return lint::lint_exit_code(report);
  std::cerr << "dbinit lint: " << report.files_parsed << " of " << texts->size() << " files read, "
            << report.statements << " statements, " << report.findings.size() << " findings";
  if (!report.failures.empty()) std::cerr << ", " << report.failures.size() << " files refused by the parser";
  if (arguments->pending_versions)
    std::cerr << "; the database has " << arguments->pending_versions->size() << " pending, "
              << report.exemptions.size() << " exemptions for the tables they create";
  std::cerr << "\n";
  return lint::lint_exit_code(report);
}
