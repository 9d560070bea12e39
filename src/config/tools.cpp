#include "config/tools.hpp"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "config/phases.hpp"
#include "core/duration.hpp"
#include "core/exec.hpp"
#include "core/stop_signals.hpp"
#include "core/unique_fd.hpp"
#include "core/write_all.hpp"
#include "log/log.hpp"
#include "migration_set/bundle.hpp"
#include "migrate/phase.hpp"
#include "migrate/plan.hpp"
#include "migration_set/scaffold.hpp"
#include "migration_set/source.hpp"
#include "pg/ca_bundle.hpp"
#include "pg/system_roots.hpp"
#include "pg/wait.hpp"

namespace dbinit {

namespace {

int refuse(const std::string& line) {
  std::cerr << "dbinit: " << line << "\n";
  return to_int(ExitCode::usage);
}

int print_version(const Config& config, std::span<const EmbeddedFile> compiled_in) {
  const auto loaded = load_migration_set(config.migrate.migrations_dir, compiled_in);
  if (!loaded.set) return refuse(loaded.error);
  // The libraries as linked, asked at run time: the versions an OpenSSL or
  // libpq advisory names. PQlibVersion() is major * 10000 + minor.
  const int libpq = PQlibVersion();
  std::cout << "dbinit " DBINIT_VERSION "\nlibpq " << libpq / 10000 << '.' << libpq % 10000 << ", "
            << OpenSSL_version(OPENSSL_VERSION) << "\nsslrootcert=system: " << built_in_root_count()
            << " built-in CAs (" << built_in_ca_bundle().origin << ")\nmigrations: " << describe(*loaded.set) << "\n";
  return to_int(ExitCode::ok);
}

// dbinit-lint, the program with PostgreSQL's parser that dbinit does not
// carry: beside this executable (a release unpacked, a build directory),
// else on PATH.
std::optional<std::string> find_lint_program() {
  constexpr std::string_view program = "dbinit-lint";
  std::vector<std::string> directories;
  char self[PATH_MAX];
  if (const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1); length > 0) {
    const std::string path(self, static_cast<std::size_t>(length));
    directories.push_back(path.substr(0, path.rfind('/') + 1));
  }
  std::stringstream path_variable(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string directory; std::getline(path_variable, directory, ':');)
    directories.push_back(directory.empty() ? "./" : directory + "/");
  for (const auto& directory : directories)
    if (const std::string candidate = directory + std::string(program); ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  return std::nullopt;
}

// The set dbinit carries (bundled or compiled in), in the bundle's payload
// format, on a memory file that stays open across exec: dbinit-lint cannot
// read a set appended to another binary.
UniqueFd set_on_memory_file(const MigrationSet& set, std::string& error) {
  std::vector<MigrationFile> files;
  for (const auto& migration : set.migrations) {
    files.push_back({migration.up.file_name, migration.up.sql});
    if (migration.down) files.push_back({migration.down->file_name, migration.down->sql});
  }
  UniqueFd memory(::memfd_create("dbinit-migration-set", 0));
  if (!memory || !write_all(memory.get(), encode_payload(files)) || ::lseek(memory.get(), 0, SEEK_SET) != 0)
    error = std::string("handing the migration set to dbinit-lint: ") + std::strerror(errno);
  return memory;
}

// The versions of `set` still pending on the database the options name,
// from the history read `dbinit status` makes (after the same wait), as
// "3,4": dbinit-lint exempts the tables they create, which do not exist
// there yet. nullopt, and the exit code, when the database gives no history.
std::optional<std::string> pending_on_database(const Config& config, const MigrationSet& set, int& exit_code) {
  const DatabaseUrls urls = parse_database_urls(config.database);
  for (const auto& secret : database_secrets(urls)) log::redactor().add_secret(secret);
  log::init(config.log);
  log::start_core();
  StopSignals stop;  // restores the signal mask when it goes, before exec
  SessionSettings settings = session_settings(config, urls);
  settings.first_read_sql = first_read_sql(config.migrate);
  WaitOutcome waited = wait_for_database(std::move(settings), stop);
  if (!waited.session) {
    exit_code = waited.exit_code;
    return std::nullopt;
  }
  const auto history = history_from_results(waited.session->take_first_read(), config.migrate.history_table);
  if (!history) {
    exit_code = to_int(ExitCode::migration_failed);
    return std::nullopt;
  }
  const MigrationPlan plan = plan_migrations(set.migrations, *history, PlanRequest{});
  std::string versions;
  if (plan.refusal) {
    // Drift or a dirty version: which tables exist there is not known.
    log::warn(log::Phase::migrate, plan.refusal->message + "; lint exempts no table for this database");
    return versions;
  }
  for (const auto& step : plan.steps)
    if (step.direction == Direction::up)
      versions += (versions.empty() ? "" : ",") + std::to_string(step.migration->version);
  return versions;
}

// What dbinit-lint's arguments ask for: PATHs to read itself, or no
// linting at all (--help, --rules); in either case dbinit hands over no set.
struct LintRequest {
  bool names_paths = false;
  bool lints_nothing = false;
};

LintRequest lint_request(const std::vector<std::string>& arguments) {
  LintRequest request;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--help" || argument == "-h" || argument == "--rules") request.lints_nothing = true;
    else if (argument == "--") request.names_paths = i + 1 < arguments.size();
    else if (argument == "--format") ++i;  // its value
    else if (!argument.starts_with("-") || argument == "-") request.names_paths = true;
    if (argument == "--") break;
  }
  return request;
}

// Becomes dbinit-lint, with the arguments dbinit does not read itself and,
// unless those name files or directories, the set the other commands would use.
int lint(const Config& config, std::span<const EmbeddedFile> compiled_in) {
  const auto program = find_lint_program();
  if (!program)
    return refuse("dbinit lint runs dbinit-lint, which is neither beside dbinit nor on PATH; install it from "
                  "the same release as dbinit");
  std::vector<std::string> arguments{*program};
  arguments.insert(arguments.end(), config.command_argv.begin(), config.command_argv.end());
  UniqueFd set_fd;  // open across exec
  const LintRequest request = lint_request(config.command_argv);
  if (request.names_paths && config.migrate.migrations_dir)
    return refuse("dbinit lint reads either --migrations-dir DIR or the files and directories named, not both");
  if (!request.names_paths && !request.lints_nothing) {
    const auto loaded = load_migration_set(config.migrate.migrations_dir, compiled_in);
    if (!loaded.set) return refuse(loaded.error);
    if (config.migrate.migrations_dir) {
      arguments.insert(arguments.end(), {"--migrations-dir", *config.migrate.migrations_dir});
    } else {
      std::string error;
      set_fd = set_on_memory_file(*loaded.set, error);
      if (!error.empty()) return refuse(error);
      arguments.insert(arguments.end(), {"--set-fd", std::to_string(set_fd.get())});
    }
    if (!config.database.database_url.empty()) {
      int exit_code = 0;
      std::optional<std::string> pending;
      try {
        pending = pending_on_database(config, *loaded.set, exit_code);
      } catch (const std::exception& failure) {  // the system refused the signal set-up
        std::cerr << "dbinit: internal error: " << failure.what() << "\n";
        return to_int(ExitCode::internal);
      }
      if (!pending) return exit_code;
      arguments.insert(arguments.end(), {"--pending-versions", *pending});
    }
  }
  const auto argv = exec_argv(arguments);
  ::execv(program->c_str(), argv.data());
  return refuse(exec_error_message(*program, errno));
}

// dbinit-lint's findings on `directory`, each as a warning on stderr; never
// a reason to stop, and nothing at all when dbinit-lint is not installed.
void warn_of_lint_findings(const std::string& directory) {
  const auto program = find_lint_program();
  if (!program) return;
  const std::vector<std::string> arguments{*program, "--warnings", "--migrations-dir", directory};
  const auto argv = exec_argv(arguments);
  // Lint's findings are advice: whatever fails here is said on stderr and
  // the command goes on.
  auto skipped = [](const char* attempted, int error) {
    std::cerr << "dbinit: lint findings skipped: " << attempted << ": " << std::strerror(error) << "\n";
  };
  posix_spawn_file_actions_t actions;
  if (const int error = posix_spawn_file_actions_init(&actions); error != 0)
    return skipped("preparing to start dbinit-lint", error);
  // Findings go to stderr: stdout is the command's own answer (the paths new wrote).
  int failed = posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t child = -1;
  if (failed == 0) failed = posix_spawn(&child, program->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);  // cannot fail on an initialised object
  if (failed != 0) return skipped("starting dbinit-lint", failed);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno == EINTR) continue;
    return skipped("waiting for dbinit-lint", errno);
  }
}

int bundle(const Config& config) {
  const std::string& directory = config.command_argv.front();
  const auto start = Clock::now();
  std::string error;
  const auto files = read_directory(directory, error);
  if (!error.empty()) return refuse(error);
  const SetOutcome set = read_migration_set(files);
  if (!set.error.empty()) return refuse("in " + directory + ": migration file " + set.error);
  warn_of_lint_findings(directory);
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
  std::cout.flush();
  warn_of_lint_findings(config.migrate.migrations_dir.value_or("sql"));
  return to_int(ExitCode::ok);
}

}  // namespace

std::optional<int> run_tool(const Config& config, std::span<const EmbeddedFile> compiled_in) {
  switch (config.command) {
    case Command::version: return print_version(config, compiled_in);
    case Command::bundle: return bundle(config);
    case Command::new_migration: return new_migration(config);
    case Command::lint: return lint(config, compiled_in);
    default: return std::nullopt;
  }
}

}  // namespace dbinit
