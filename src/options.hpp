#pragma once
// The command line and DBINIT_* environment variables, parsed into one
// Config value. Pure: takes the arguments and the environment, returns a
// Config or the text to print and the exit code; it never exits or logs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "duration.hpp"
#include "exit_code.hpp"
#include "log.hpp"

namespace dbinit {

enum class Command { run, wait, migrate, status, sql };
enum class Mode { automatic, supervise, exec };

struct SignalMapping {
  int from;
  int to;
};

struct Config {
  Command command = Command::run;
  std::vector<std::string> command_argv;  // COMMAND [ARGS...] for Command::run

  std::string database_url;   // empty: libpq's defaults and PG* variables apply
  std::string migration_url;  // empty: derived from database_url (see migration_url.hpp)

  Milliseconds wait_timeout{60'000};  // 0: wait forever
  Milliseconds connect_timeout{5'000};
  Milliseconds backoff_initial{200};
  Milliseconds backoff_max{5'000};
  bool skip_wait = false;

  bool skip_migrations = false;
  std::string history_table = "dbinit_schema_history";
  Milliseconds lock_timeout{300'000};
  std::optional<long long> target;
  std::optional<long long> repair;
  bool strict = false;

  Mode mode = Mode::automatic;
  bool signal_group = false;
  Milliseconds stop_grace{5'000};
  std::vector<SignalMapping> signal_map;

  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::text;
};

struct ParseOutcome {
  std::optional<Config> config;       // set when dbinit should go on
  std::string output;                 // --help / --version text for stdout
  std::string error;                  // one line for stderr
  std::vector<std::string> warnings;  // e.g. unknown DBINIT_* variables
  ExitCode exit_code = ExitCode::ok;  // when config is not set
};

// env holds "NAME=value" entries, as in environ.
ParseOutcome parse_options(const std::vector<std::string>& args, const std::vector<std::string>& env);

std::string help_text();

}  // namespace dbinit
