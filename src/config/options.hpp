#pragma once
// The command line and DBINIT_* environment variables, parsed into one
// Config value. Pure: takes the arguments and the environment, returns a
// Config or the text to print and the exit code; it never exits or logs.
//
// Config is made of each phase's own settings, whose member initialisers are
// the only place defaults are written: --help shows them from Config{}, and
// a test holds the README's option table against --help.
#include <optional>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "core/log_format.hpp"
#include "migrate/settings.hpp"
#include "pg/settings.hpp"
#include "supervise/settings.hpp"

namespace dbinit {

// run: the phases, then COMMAND; wait, migrate, status, sql, verify: phases only;
// version, bundle, new, lint: tools (only lint connects, to read the history
// of a database it is given).
enum class Command { run, wait, migrate, status, sql, verify, version, bundle, new_migration, lint };

struct Config {
  Command command = Command::run;
  std::vector<std::string> command_argv;  // COMMAND [ARGS...] for run; DIR for bundle; NAME for new
  std::string output;                     // bundle: the file to write
  DatabaseSettings database;
  MigrateSettings migrate;
  SuperviseSettings supervise;
  log::LogSettings log;
};

struct ParseOutcome {
  std::optional<Config> config;       // set when dbinit should go on
  std::string output;                 // --help text for stdout
  std::string error;                  // one line for stderr
  std::vector<std::string> warnings;  // e.g. unknown DBINIT_* variables
  ExitCode exit_code = ExitCode::ok;  // when config is not set
};

// env holds "NAME=value" entries, as in environ.
ParseOutcome parse_options(const std::vector<std::string>& args, const std::vector<std::string>& env);

std::string help_text();

}  // namespace dbinit
