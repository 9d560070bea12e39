// dbinit: config -> wait -> migrate -> hand-off. Each phase's policy lives
// in its folder under src/; this file runs them in order and returns the
// exit code the phase that stopped the run gave.
#include <unistd.h>

#include <iostream>

#include "config/options.hpp"
#include "config/phases.hpp"
#include "config/tools.hpp"
#include "handoff/hand_off.hpp"
#include "log/log.hpp"
#include "migration_set/embedded_files.hpp"
#include "migrate/phase.hpp"
#include "pg/wait.hpp"
#include "supervise/supervisor.hpp"

using namespace dbinit;

namespace {

std::vector<std::string> current_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

void start_logging(const Config& config, const std::vector<std::string>& warnings) {
  log::init(config.log);
  for (const auto& warning : warnings) log::warn(log::Phase::config, warning);
}

// Wait and migrate, as phases_for() decided; 0 when they succeeded.
int run_phases(const Config& config, const Phases& phases, StopSignals& stop) {
  // Here, not at start-up: the resident supervisor logs nothing about the
  // database and need not parse its connection strings.
  const DatabaseUrls urls = parse_database_urls(config.database);
  for (const auto& secret : database_secrets(urls)) log::redactor().add_secret(secret);
  if (!phases.wait) return to_int(ExitCode::ok);  // migrating implies waiting (config/phases.cpp)
  log::start_core();
  // Read and checked before connecting: an unusable set is exit 2, and the
  // server never hears from dbinit.
  std::optional<MigrationSet> migrations;
  if (phases.migrate) {
    LoadOutcome loaded = load_migration_set(config.migrate.migrations_dir, embedded_migration_files());
    if (!loaded.set) {
      log::error(log::Phase::config, loaded.error);
      return to_int(ExitCode::usage);
    }
    migrations = std::move(loaded.set);
    std::vector<std::string> secrets;
    const std::string unfilled = fill_set_placeholders(*migrations, *phases.migrate, secrets);
    for (const auto& secret : secrets) log::redactor().add_secret(secret);
    if (!unfilled.empty()) {
      log::error(log::Phase::config, unfilled);
      return to_int(ExitCode::usage);
    }
  }
  WaitOutcome waited = wait_for_database(session_settings(config, urls), stop);
  if (!waited.session) return waited.exit_code;
  if (!phases.migrate) return to_int(ExitCode::ok);
  return run_migrate_phase(*phases.migrate, config.migrate, *migrations, *waited.session);
}

// The phases and, in exec mode, the hand-off: the process becomes COMMAND.
int run(const Config& config, const Phases& phases, bool hands_off) {
  try {
    StopSignals stop;
    const int code = run_phases(config, phases, stop);
    if (code != 0 || !hands_off) return code;
    if (auto signal = stop.received()) return exit_code_for_signal(*signal);
    return to_int(hand_off(config.command_argv, stop));
  } catch (const std::exception& failure) {
    // Only the system refusing dbinit itself ends up here (signalfd, memory).
    log::error(log::Phase::config, std::string("internal error: ") + failure.what());
    return to_int(ExitCode::internal);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const ParseOutcome parsed = parse_options({argv + 1, argv + argc}, current_environment());
  if (!parsed.config) {
    (parsed.exit_code == ExitCode::ok ? std::cout : std::cerr) << parsed.output << parsed.error
                                                               << (parsed.error.empty() ? "" : "\n");
    return to_int(parsed.exit_code);
  }
  const Config& config = *parsed.config;
  if (auto tool_exit_code = run_tool(config, embedded_migration_files())) return *tool_exit_code;
  start_logging(config, parsed.warnings);
  const Phases phases = phases_for(config);
  // Supervise mode forks here, before the logging core or a connection
  // exists: the parent stays resident as init, a child runs the phases, and
  // the parent starts COMMAND itself once they succeeded.
  SupervisedRun supervised;
  if (phases.hand_off) supervised.command = config.command_argv;
  if (phases.wait || phases.migrate) supervised.phases = [&] { return run(config, phases, false); };
  if (auto supervisor_exit_code = supervise_if_needed(config.supervise, config.log, supervised))
    return *supervisor_exit_code;
  return run(config, phases, phases.hand_off);
}
