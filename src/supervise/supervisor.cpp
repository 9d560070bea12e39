#include "supervise/supervisor.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "core/duration.hpp"
#include "core/exec.hpp"
#include "core/exit_code.hpp"
#include "core/signal_names.hpp"
#include "core/stop_signals.hpp"
#include "core/write_all.hpp"
#include "supervise/command_start.hpp"
#include "supervise/memory.hpp"
#include "supervise/policy.hpp"
#include "supervise/process_tree.hpp"
#include "supervise/reaper.hpp"
#include "supervise/signals.hpp"

namespace dbinit {

namespace {

log::LogSettings log_settings;

// The supervisor never starts the logging core: it formats the same lines
// and write()s them to stderr itself.
void log_line(log::Level level, std::string_view message, const log::Fields& fields = {},
              log::Phase phase = log::Phase::supervise) {
  if (static_cast<int>(level) < static_cast<int>(log_settings.level)) return;
  std::string line = log::format_record(
      {.timestamp = log::utc_timestamp_now(), .level = level, .phase = phase, .message = message, .fields = fields},
      log_settings.format);
  line += '\n';
  // A failing stderr has nobody left to tell.
  write_all(STDERR_FILENO, line);
}

void log_system_error(const std::string& attempted, int error_number) {
  log_line(log::Level::error, attempted + ": " + std::strerror(error_number));
}

constexpr Milliseconds release_memory_after_start{50};

// Best effort: the supervisor works the same with a larger footprint.
void release_memory() {
  if (std::string error; !release_startup_memory(&error))
    log_line(log::Level::debug, "cannot release start-up memory: " + error);
}

std::string describe(const std::vector<ProcessEntry>& processes) {
  std::string text;
  for (const auto& process : processes) {
    if (!text.empty()) text += ' ';
    text += process.name + "[" + std::to_string(process.pid) + "]";
  }
  return text;
}

// Waits on the phases' child, then on COMMAND: forwards signals, reaps every
// zombie, and when COMMAND is gone stops whatever it left behind.
class Supervisor {
 public:
  Supervisor(const SuperviseSettings& settings, const sigset_t& waited, bool is_pid_1)
      : settings_(settings), waited_(waited), is_pid_1_(is_pid_1) {}

  // The wait status of the child running the phases. Only stop signals
  // reach it, unmapped: they are dbinit's own (core/stop_signals.hpp), the
  // others are meant for a COMMAND that has not started yet. The last stop
  // signal seen goes to *stop_signal, for one that came after the child's
  // last look.
  int wait_for_phases(pid_t child, std::optional<int>& stop_signal) {
    for (;;) {
      const int received = *next_signal(std::nullopt);
      if (received == SIGCHLD) {
        if (auto status = reap_exited_children(child)) return *status;
      } else if (is_stop_signal(received)) {
        stop_signal = received;
        log_line(log::Level::debug, "forwarding a signal", {{"signal", signal_name(received)}, {"to", "the phases"}});
        // ESRCH: it has exited already, and its SIGCHLD is next.
        if (::kill(child, received) != 0 && errno != ESRCH)
          log_system_error("forwarding " + signal_name(received) + " to the phases", errno);
      } else {
        log_line(log::Level::debug, "ignoring a signal: the command has not started",
                 {{"signal", signal_name(received)}});
      }
    }
  }

  // Returns the exit code for dbinit: COMMAND's own.
  int supervise_command(pid_t command) {
    command_ = command;
    const int status = wait_for_command();
    const int code = exit_code_for_wait_status(status);
    if (WIFSIGNALED(status))
      log_line(log::Level::info, "command killed by a signal",
               {{"signal", signal_name(WTERMSIG(status))}, {"exit_code", std::to_string(code)}});
    else
      log_line(log::Level::info, "command exited", {{"exit_code", std::to_string(code)}});
    stop_leftovers();
    return code;
  }

 private:
  int wait_for_command() {
    // What start-up touched is handed back once COMMAND has run for a
    // moment, not at once: it would compete with COMMAND's own start for the
    // CPU, and a command gone by then never needed it. Once only: whatever
    // runs after it pulls its code back in.
    auto release_at = std::optional(std::chrono::steady_clock::now() + release_memory_after_start);
    for (;;) {
      std::optional<Milliseconds> limit;
      if (release_at)
        limit = std::max(Milliseconds(0),
                         std::chrono::ceil<Milliseconds>(*release_at - std::chrono::steady_clock::now()));
      const auto received = next_signal(limit);
      if (!received) {
        if (release_at && std::chrono::steady_clock::now() >= *release_at) {
          release_at.reset();
          release_memory();
        }
        continue;
      }
      if (*received != SIGCHLD) {
        forward(*received);
        continue;
      }
      // One SIGCHLD may stand for many exits: pending signals do not queue.
      if (auto status = reap_exited_children(command_)) return *status;
    }
  }

  // Sleeps until a waited signal arrives; nullopt when `limit` passes first
  // (or, harmlessly, when a signal outside the set interrupted the wait).
  std::optional<int> next_signal(std::optional<Milliseconds> limit) {
    for (;;) {
      int received;
      if (limit) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*limit);
        const timespec timeout{static_cast<time_t>(seconds.count()),
                               static_cast<long>(std::chrono::nanoseconds(*limit - seconds).count())};
        received = ::sigtimedwait(&waited_, nullptr, &timeout);
      } else {
        received = ::sigwaitinfo(&waited_, nullptr);
      }
      if (received > 0) return received;
      if (errno == EINTR && !limit) continue;
      if (errno == EAGAIN || errno == EINTR) return std::nullopt;
      throw std::system_error(errno, std::generic_category(), "waiting for signals");
    }
  }

  void forward(int received) {
    const int sent = mapped_signal(received, settings_.signal_map);
    const pid_t target = settings_.signal_group ? -command_ : command_;
    const std::string whom = settings_.signal_group ? "the command's process group" : "the command";
    log::Fields fields{{"signal", signal_name(received)}, {"to", whom}};
    if (sent != received) fields.emplace_back("as", signal_name(sent));
    log_line(log::Level::debug, "forwarding a signal", fields);
    // ESRCH: no process is left to receive it (an emptied process group).
    if (::kill(target, sent) != 0 && errno != ESRCH)
      log_system_error("forwarding " + signal_name(sent) + " to " + whom, errno);
  }

  void stop_leftovers() {
    reap_exited_children(command_);
    if (!has_children()) return;
    auto signalled = signal_leftovers(SIGTERM);
    log_line(log::Level::warn, "sending SIGTERM to the processes the command left behind",
             {{"processes", signalled}, {"stop_grace", format_duration(settings_.stop_grace)}});
    if (wait_for_no_children(settings_.stop_grace)) {
      log_line(log::Level::info, "leftover processes stopped");
      return;
    }
    signalled = signal_leftovers(SIGKILL);
    log_line(log::Level::warn, "leftover processes still running after the stop grace; sending SIGKILL",
             {{"processes", signalled}});
    // SIGKILL cannot be caught; what remains is the time the kernel takes to
    // tear processes down, and children forked while /proc was being read.
    for (int round = 0; round < 20; ++round) {
      if (wait_for_no_children(Milliseconds(100))) return;
      signal_leftovers(SIGKILL);
    }
    log_line(log::Level::error, "leftover processes survived SIGKILL; exiting without them");
  }

  // Reaps until no child is left; false when `limit` passes first. Signals
  // other than SIGCHLD are not forwarded any more: the command is gone and
  // the leftovers are being stopped already.
  bool wait_for_no_children(Milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      reap_exited_children(command_);
      if (!has_children()) return true;
      const auto left = std::chrono::ceil<Milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (auto received = next_signal(left); received && *received != SIGCHLD)
        log_line(log::Level::debug, "ignoring a signal while stopping leftover processes",
                 {{"signal", signal_name(*received)}});
    }
  }

  // Sends the signal to every live descendant; returns them for the log.
  std::string signal_leftovers(int signal_number) {
    std::string error;
    const auto table = read_process_table(&error);
    if (!table) {
      // Without /proc, PID 1 can still reach everything in its namespace at once.
      if (is_pid_1_) {
        if (::kill(-1, signal_number) != 0 && errno != ESRCH)
          log_system_error("sending " + signal_name(signal_number) + " to every process", errno);
        return "all";
      }
      log_line(log::Level::error, error + "; the leftover processes cannot be found");
      return "";
    }
    std::vector<ProcessEntry> signalled;
    for (const auto& process : descendants_of(::getpid(), *table)) {
      if (process.state == 'Z') continue;  // dead already, waiting to be reaped
      if (::kill(process.pid, signal_number) == 0)
        signalled.push_back(process);
      else if (errno != ESRCH)  // ESRCH: it exited since /proc was read
        log_system_error("sending " + signal_name(signal_number) + " to " + describe({process}), errno);
    }
    return describe(signalled);
  }

  const SuperviseSettings& settings_;
  const sigset_t waited_;
  const bool is_pid_1_;
  pid_t command_ = -1;
};

// Runs the phases in a forked child and waits for it; 0 to go on to COMMAND,
// otherwise dbinit's exit code.
int phases_in_child(const std::function<int()>& phases, const SupervisorSignals& signals, Supervisor& supervisor) {
  // Nothing has been written to stdout or stderr through a buffer yet, so
  // the child may leave through exit() (running exit handlers) without
  // repeating anything of the parent's. It stays in dbinit's process group
  // and leaves the terminal alone: it never reads it.
  const pid_t child = ::fork();
  if (child < 0) {
    log_system_error("forking the process that runs the phases", errno);
    return to_int(ExitCode::internal);
  }
  if (child == 0) {
    signals.restore_original();
    std::exit(phases());
  }
  // The phases may wait a long time for the database: what start-up touched
  // is handed back meanwhile.
  release_memory();
  std::optional<int> stop_signal;
  const int status = supervisor.wait_for_phases(child, stop_signal);
  const int code = exit_code_for_wait_status(status);
  // Killed by a stop signal forwarded before it had blocked it is a stop
  // like the others; by anything else, a crash.
  if (WIFSIGNALED(status) && stop_signal != WTERMSIG(status)) {
    log_line(log::Level::error, "the phases were killed by a signal",
             {{"signal", signal_name(WTERMSIG(status))}, {"exit_code", std::to_string(code)}});
    return code;
  }
  if (!WIFSIGNALED(status) && code != 0) return code;  // the child said why
  if (stop_signal) {
    log_line(log::Level::info, "stopped before starting the command", {{"signal", signal_name(*stop_signal)}});
    return exit_code_for_signal(*stop_signal);
  }
  return 0;
}

}  // namespace

std::optional<int> supervise_if_needed(const SuperviseSettings& settings, log::LogSettings log_to,
                                       const SupervisedRun& run) {
  const bool is_pid_1 = ::getpid() == 1;
  if (!should_supervise(settings.mode, !run.command.empty(), is_pid_1)) return std::nullopt;
  log_settings = log_to;

  // Below PID 1, orphans would go to the system's init: nobody here would
  // reap them, nor stop them when the command is gone. Kernels before 3.4
  // lack the option; supervising still works, without the orphans.
  if (!is_pid_1 && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
    log_line(log::Level::warn, std::string("cannot register as child subreaper (") + std::strerror(errno) +
                                   "); orphaned processes go to the system's init");

  std::optional<SupervisorSignals> signals;
  try {
    signals.emplace();
  } catch (const std::system_error& failure) {
    log_line(log::Level::error, failure.what());
    return to_int(ExitCode::internal);
  }
  Supervisor supervisor(settings, signals->waited(), is_pid_1);
  if (run.phases) {
    if (const int code = phases_in_child(run.phases, *signals, supervisor); code != 0) ::_exit(code);
  }

  log_line(log::Level::info, "starting command", {{"command", run.command.front()}}, log::Phase::hand_off);
  const CommandStart started = start_command(run.command, *signals);
  if (started.fork_error != 0) {
    log_system_error("starting the command", started.fork_error);
    ::_exit(to_int(ExitCode::internal));
  }
  if (started.exec_error != 0) {
    ::waitpid(started.pid, nullptr, 0);  // it exited at once
    log_line(log::Level::error, exec_error_message(run.command.front(), started.exec_error), {}, log::Phase::hand_off);
    ::_exit(to_int(exit_code_for_exec_error(started.exec_error)));
  }
  if (started.group_error != 0)
    log_system_error("making the command the leader of its own process group", started.group_error);
  if (started.terminal_error != 0)
    log_system_error("giving the terminal's foreground to the command's process group", started.terminal_error);
  if (log::Level::debug >= log_settings.level)
    log_line(log::Level::debug, "supervising",
             {{"pid", std::to_string(started.pid)}, {"as", is_pid_1 ? "PID 1" : "subreaper"}});
  int code = to_int(ExitCode::internal);
  try {
    code = supervisor.supervise_command(started.pid);
  } catch (const std::system_error& failure) {
    log_line(log::Level::error, failure.what());
  }
  // Straight out: the supervisor wrote nothing through stdio, and running
  // every library's exit handlers (the logging core, iostreams) would fault
  // back in the pages it dropped, for nothing.
  ::_exit(code);
}

}  // namespace dbinit
