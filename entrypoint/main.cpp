// dbinit: config -> wait -> migrate -> hand-off. The policy of each phase
// lives in src/; this file only composes them and maps outcomes to exit codes.
#include <unistd.h>

#include <iostream>

#include "connect.hpp"
#include "exit_code.hpp"
#include "handoff.hpp"
#include "log.hpp"
#include "options.hpp"
#include "wait.hpp"

using namespace dbinit;

namespace {

std::vector<std::string> current_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

void setup_logging(const Config& config, const std::vector<std::string>& warnings) {
  log::init(config.log_level, config.log_format);
  auto& redactor = log::redactor();
  redactor.add_connection_string(config.database_url);
  redactor.add_connection_string(config.migration_url);
  if (const char* password = std::getenv("PGPASSWORD")) redactor.add_secret(password);
  for (const auto& warning : warnings) log::warn("config", warning);
}

int exit_code_for(const WaitOutcome& waited, const WaitSettings& settings) {
  switch (waited.result) {
    case WaitResult::ready: return to_int(ExitCode::ok);
    case WaitResult::stopped:
      log::warn("wait", "stopped by signal before the database was ready");
      return exit_code_for_signal(*waited.stop_signal);
    case WaitResult::fatal: return to_int(ExitCode::database_unreachable);
    case WaitResult::timed_out:
      log::error("wait", "gave up: database not ready within " + format_duration(settings.timeout),
                 {{"attempts", std::to_string(waited.attempts)}, {"last_error", waited.last_error}});
      return to_int(ExitCode::database_unreachable);
  }
  return to_int(ExitCode::database_unreachable);
}

int run_phases(const Config& config) {
  StopSignals stop;
  const ConnectionTarget target{config.database_url, default_application_name()};
  if (auto problem = conninfo_error(config.database_url)) {
    log::error("config", "the database URL is not a valid libpq connection string: " + *problem);
    return to_int(ExitCode::database_unreachable);
  }

  if (!config.skip_wait || config.command == Command::wait) {
    WaitSettings settings{config.wait_timeout, config.connect_timeout,
                          {config.backoff_initial, config.backoff_max}, random_seed()};
    WaitOutcome waited = wait_for_database(target, settings, stop);
    if (waited.result != WaitResult::ready) return exit_code_for(waited, settings);
  }
  if (config.command == Command::wait) return to_int(ExitCode::ok);

  if (auto signal = stop.received()) return exit_code_for_signal(*signal);
  return to_int(exec_command(config.command_argv, stop));
}

}  // namespace

int main(int argc, char** argv) {
  ParseOutcome parsed = parse_options({argv + 1, argv + argc}, current_environment());
  if (!parsed.config) {
    (parsed.exit_code == ExitCode::ok ? std::cout : std::cerr) << parsed.output << parsed.error
                                                               << (parsed.error.empty() ? "" : "\n");
    return to_int(parsed.exit_code);
  }
  setup_logging(*parsed.config, parsed.warnings);
  try {
    return run_phases(*parsed.config);
  } catch (const std::exception& failure) {
    // Only system-level failures (signalfd, memory) end up here.
    log::error("dbinit", failure.what());
    return to_int(ExitCode::usage);
  }
}
