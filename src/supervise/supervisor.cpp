#include "supervise/supervisor.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "core/duration.hpp"
#include "core/exit_code.hpp"
#include "core/signal_names.hpp"
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
void log_line(log::Level level, std::string_view message, const log::Fields& fields = {}) {
  if (static_cast<int>(level) < static_cast<int>(log_settings.level)) return;
  std::string line =
      log::format_record({log::utc_timestamp_now(), level, log::Phase::supervise, message, fields}, log_settings.format);
  line += '\n';
  // A short write is retried; a failing stderr has nobody left to tell.
  for (std::size_t done = 0; done < line.size();) {
    const auto written = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    done += static_cast<std::size_t>(written);
  }
}

void log_system_error(const std::string& attempted, int error_number) {
  log_line(log::Level::error, attempted + ": " + std::strerror(error_number));
}

// The command leads a process group of its own, as under tini: a Ctrl-C from
// the terminal, or a signal sent to dbinit's process group (by `timeout`, a
// shell, a service manager), then reaches the command once, from dbinit,
// instead of once directly and once forwarded.
// Runs in the child while TTIN/TTOU are still blocked (see signals.hpp).
// original_group is read before fork: the parent may have moved the child
// into its new group already.
void lead_own_process_group(pid_t original_group) {
  if (::setpgid(0, 0) != 0) {
    log_system_error("making the command the leader of its own process group", errno);
    return;
  }
  // An interactive command (docker run -it) must hold the terminal's
  // foreground, or its first read stops it with SIGTTIN. Only when dbinit
  // held it: a supervisor started in the background must not steal it.
  // Without a terminal tcgetpgrp() fails and nothing is to be done.
  if (::tcgetpgrp(STDIN_FILENO) == original_group && ::tcsetpgrp(STDIN_FILENO, ::getpgrp()) != 0)
    log_system_error("giving the terminal's foreground to the command's process group", errno);
}

std::string describe(const std::vector<ProcessEntry>& processes) {
  std::string text;
  for (const auto& process : processes) {
    if (!text.empty()) text += ' ';
    text += process.name + "[" + std::to_string(process.pid) + "]";
  }
  return text;
}

// The forked child's supervisor: forwards signals, reaps every zombie, and
// when the child is gone stops whatever it left behind.
class Supervisor {
 public:
  Supervisor(const SuperviseSettings& settings, pid_t child, const sigset_t& waited, bool is_pid_1)
      : settings_(settings), child_(child), waited_(waited), is_pid_1_(is_pid_1) {}

  // Returns the exit code for dbinit: the child's own.
  int run() {
    const int status = wait_for_child();
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
  int wait_for_child() {
    for (;;) {
      const int received = *next_signal(std::nullopt);
      if (received != SIGCHLD) {
        forward(received);
        continue;
      }
      // One SIGCHLD may stand for many exits: pending signals do not queue.
      if (auto status = reap_exited_children(child_)) return *status;
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
    const pid_t target = settings_.signal_group ? -child_ : child_;
    const std::string whom = settings_.signal_group ? "the command's process group" : "the command";
    log::Fields fields{{"signal", signal_name(received)}, {"to", whom}};
    if (sent != received) fields.emplace_back("as", signal_name(sent));
    log_line(log::Level::debug, "forwarding a signal", fields);
    // ESRCH: no process is left to receive it (an emptied process group).
    if (::kill(target, sent) != 0 && errno != ESRCH)
      log_system_error("forwarding " + signal_name(sent) + " to " + whom, errno);
  }

  void stop_leftovers() {
    reap_exited_children(child_);
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
      reap_exited_children(child_);
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
  const pid_t child_;
  const sigset_t waited_;
  const bool is_pid_1_;
};

}  // namespace

std::optional<int> supervise_if_needed(const SuperviseSettings& settings, log::LogSettings log_to, bool hands_off) {
  const bool is_pid_1 = ::getpid() == 1;
  if (!should_supervise(settings.mode, hands_off, is_pid_1)) return std::nullopt;
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

  // Nothing has been written to stdout or stderr through a buffer yet, so the
  // child may later leave through main()'s return (running exit handlers)
  // without repeating anything of the parent's.
  const pid_t original_group = ::getpgrp();
  const pid_t child = ::fork();
  if (child < 0) {
    log_system_error("forking the process that runs the phases and the command", errno);
    return to_int(ExitCode::internal);
  }
  if (child == 0) {
    lead_own_process_group(original_group);
    signals->restore_original();
    return std::nullopt;
  }

  // The child does the same; doing it here too means a signal forwarded to
  // the group before the child has run still finds it. EACCES (the child
  // has exec'd) and ESRCH (it is gone) mean it no longer matters.
  if (::setpgid(child, child) != 0 && errno != EACCES && errno != ESRCH)
    log_system_error("making the command the leader of its own process group", errno);

  if (log::Level::debug >= log_settings.level)
    log_line(log::Level::debug, "supervising", {{"pid", std::to_string(child)}, {"as", is_pid_1 ? "PID 1" : "subreaper"}});
  // Last before the loop: whatever runs after it pulls its code back in.
  // Best effort: the supervisor works the same with a larger footprint.
  if (std::string error; !release_startup_memory(&error))
    log_line(log::Level::debug, "cannot release start-up memory: " + error);

  int code = to_int(ExitCode::internal);
  try {
    code = Supervisor(settings, child, signals->waited(), is_pid_1).run();
  } catch (const std::system_error& failure) {
    log_line(log::Level::error, failure.what());
  }
  // Straight out: the supervisor wrote nothing through stdio, and running
  // every library's exit handlers (the logging core, iostreams) would fault
  // back in the pages it dropped, for nothing.
  ::_exit(code);
}

}  // namespace dbinit
