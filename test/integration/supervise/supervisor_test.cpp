#define BOOST_TEST_MODULE supervise
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "pg_cluster.hpp"
#include "process.hpp"
#include "supervise/process_tree.hpp"
#include "text.hpp"

// GCC says __SANITIZE_ADDRESS__, clang __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define DBINIT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DBINIT_TEST_UNDER_ASAN 1
#endif
#endif
#ifndef DBINIT_TEST_UNDER_ASAN
#define DBINIT_TEST_UNDER_ASAN 0
#endif

using namespace dbinit;
using namespace dbinit::test;
using namespace std::chrono_literals;
namespace data = boost::unit_test::data;

namespace {

using Argv = std::vector<std::string>;

// An init under test and how it is told to run COMMAND: the same cases run
// against dbinit and tini, so the suite shows that both behave alike.
struct Init {
  std::string name;
  Argv argv;        // up to and including "--"
  Argv group_argv;  // the same, forwarding signals to the command's process group
};

std::ostream& operator<<(std::ostream& out, const Init& init) { return out << init.name; }

const Init dbinit_init{"dbinit",
                       {DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--"},
                       {DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--signal-group", "--"}};

std::vector<Init> inits() {
  std::vector<Init> all{dbinit_init};
  if (::access("/usr/bin/tini", X_OK) == 0) all.push_back({"tini", {"/usr/bin/tini", "--"}, {"/usr/bin/tini", "-g", "--"}});
  return all;
}

Argv operator+(Argv head, const Argv& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// As PID 1 of a new PID namespace, as in a container. --kill-child: when the
// harness kills unshare, the namespace goes with it.
Argv as_pid_1(const Argv& argv) { return Argv{"unshare", "--pid", "--fork", "--kill-child", "--mount-proc"} + argv; }

ProcessOptions options(Argv argv, std::map<std::string, std::string> env = {}) {
  ProcessOptions result;
  result.argv = std::move(argv);
  result.env = std::move(env);
  result.timeout = 20s;  // every case ends in a few seconds; a hang fails here
  return result;
}

template <typename Predicate>
bool eventually(Predicate done, Milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::vector<ProcessEntry> process_table() {
  std::string error;
  auto table = read_process_table(&error);
  BOOST_TEST_REQUIRE(table.has_value(), error);
  return *table;
}

std::vector<ProcessEntry> children_of(pid_t parent) {
  std::vector<ProcessEntry> children;
  for (auto& entry : process_table())
    if (entry.parent == parent) children.push_back(entry);
  return children;
}

std::string describe(const std::vector<ProcessEntry>& processes) {
  std::string text;
  for (const auto& process : processes)
    text += process.name + "[" + std::to_string(process.pid) + "," + process.state + "] ";
  return text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// An init running COMMAND, with the init's PID as seen from here, where
// signals from `docker stop` come from too.
// Only for commands that keep running until the test acts: the init's PID is
// found while it lives.
class Running {
 public:
  // pid_1: inside a new PID namespace; otherwise as a plain child of the test.
  explicit Running(const ProcessOptions& options, bool pid_1 = true)
      : process_(pid_1 ? with_argv(options, as_pid_1(options.argv)) : options) {
    if (!pid_1) {
      init_ = process_.pid();
      return;
    }
    BOOST_TEST_REQUIRE(eventually([&] { return !children_of(process_.pid()).empty(); }), "the init never started");
    init_ = children_of(process_.pid()).front().pid;
  }

  pid_t init() const { return init_; }
  void signal_init(int signal_number) const { BOOST_TEST_REQUIRE(::kill(init_, signal_number) == 0); }
  // Everything the init has below it, zombies included.
  std::vector<ProcessEntry> descendants() const { return descendants_of(init_, process_table()); }
  ProcessResult wait() { return process_.wait(); }

 private:
  static ProcessOptions with_argv(ProcessOptions options, Argv argv) {
    options.argv = std::move(argv);
    return options;
  }

  Process process_;
  pid_t init_ = -1;
};

bool command_running(const Running& running, const std::string& name) {
  const auto children = children_of(running.init());
  return std::any_of(children.begin(), children.end(),
                     [&](const auto& child) { return child.name == name && child.state != 'Z'; });
}

// A record file of signal_recorder, in its own temporary directory.
struct Recording {
  TempDir dir{"dbinit-supervise"};
  std::string path = dir.path() + "/signals";

  std::string lines() const { return read_file(path); }
  bool has(const std::string& line) const { return contains("\n" + lines(), "\n" + line + "\n"); }
  bool ready() const { return has("ready"); }
};

std::uint64_t signal_bit(int signal_number) { return std::uint64_t{1} << (signal_number - 1); }

// SigBlk, SigIgn, ... from the text of /proc/PID/status.
std::uint64_t status_mask(const std::string& status, const std::string& field) {
  const auto at = status.find("\n" + field + ":");
  BOOST_TEST_REQUIRE(at != std::string::npos, field << " missing in:\n" << status);
  return std::stoull(status.substr(at + field.size() + 2), nullptr, 16);
}

std::set<int> open_descriptors(pid_t pid) {
  std::set<int> fds;
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  BOOST_TEST_REQUIRE(dir != nullptr);
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') fds.insert(std::stoi(entry->d_name));
  ::closedir(dir);
  return fds;
}

std::string fds_text(const std::set<int>& fds) {
  std::string text;
  for (int fd : fds) text += std::to_string(fd) + " ";
  return text;
}

// The command's descriptors once its own start-up is over: right after exec,
// a dynamically linked command's loader briefly holds ld.so.cache and its
// libraries open. A descriptor leaked through exec never goes away.
std::string settled_descriptors(pid_t pid) {
  std::string seen;
  eventually([&] { return (seen = fds_text(open_descriptors(pid))) == "0 1 2 "; }, 2s);
  return seen;
}

const std::string unreachable_database = "postgresql://dbinit@127.0.0.1:1/none";

// Whatever descriptors the test itself inherited (from a shell, from ctest)
// must not reach the inits, or the leak checks would blame them.
struct CloseInheritedDescriptors {
  CloseInheritedDescriptors() {
    for (int fd : open_descriptors(::getpid()))
      if (fd > STDERR_FILENO) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
};
BOOST_TEST_GLOBAL_FIXTURE(CloseInheritedDescriptors);

}  // namespace

// ---------------------------------------------------------------- exit codes

BOOST_DATA_TEST_CASE(exit_code_is_the_commands, data::make(inits()), init) {
  for (int code : {0, 7, 255}) {
    const auto result = run(options(as_pid_1(init.argv + Argv{"sh", "-c", "exit " + std::to_string(code)})));
    BOOST_TEST(result.exit_code == code, describe(result));
  }
}

BOOST_DATA_TEST_CASE(a_command_killed_by_signal_n_exits_128_plus_n, data::make(inits()), init) {
  for (const auto& [name, code] : {std::pair{"KILL", 137}, std::pair{"USR1", 138}}) {
    const auto result = run(options(as_pid_1(init.argv + Argv{"sh", "-c", std::string("kill -") + name + " $$"})));
    BOOST_TEST(result.exit_code == code, describe(result));
  }
}

BOOST_AUTO_TEST_CASE(command_not_found_or_not_executable_exits_127_or_126) {
  auto result = run(options(as_pid_1(dbinit_init.argv + Argv{"/nonexistent/command"})));
  BOOST_TEST(result.exit_code == 127, describe(result));
  BOOST_TEST(contains(result.err, "command not found"), describe(result));
  TempDir dir("dbinit-supervise");
  const std::string not_executable = dir.path() + "/script";
  std::ofstream(not_executable) << "#!/bin/sh\n";  // mode 0644
  result = run(options(as_pid_1(dbinit_init.argv + Argv{not_executable})));
  BOOST_TEST(result.exit_code == 126, describe(result));
  BOOST_TEST(contains(result.err, "cannot execute"), describe(result));
}

// ------------------------------------------------------------------ signals

namespace {

// Sends each signal to the init and checks that the recorder got it; then
// SIGTERM, on which the recorder stops with exit code 0 that the init passes on.
void expect_forwarded_then_stop(Running& running, const Recording& recording,
                                std::initializer_list<std::pair<int, const char*>> signals) {
  for (const auto& signal : signals) {
    // Named members, not a structured binding: clang 14 cannot capture one.
    const int number = signal.first;
    const char* const name = signal.second;
    running.signal_init(number);
    BOOST_TEST(eventually([&] { return recording.has(name); }), name << " not forwarded:\n" << recording.lines());
  }
  running.signal_init(SIGTERM);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(recording.has("TERM"), recording.lines());
}

}  // namespace

BOOST_DATA_TEST_CASE(signals_reach_the_command, data::make(inits()), init) {
  Recording recording;
  Running running(options(init.argv + Argv{SIGNAL_RECORDER_BINARY, recording.path}));
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  expect_forwarded_then_stop(running, recording,
                             {{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGQUIT, "QUIT"}, {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"},
                              {SIGWINCH, "WINCH"}, {SIGCONT, "CONT"}, {SIGALRM, "ALRM"}});
}

BOOST_DATA_TEST_CASE(signal_group_reaches_a_grandchild, data::make(inits()), init) {
  Recording recording;
  // The direct child only waits, deaf to signals; its child records.
  Running running(options(init.group_argv + Argv{SIGNAL_RECORDER_BINARY, "--fork", recording.path}));
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  expect_forwarded_then_stop(running, recording, {{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGUSR1, "USR1"}});
}

// The counterpart that shows the grandchild case above can fail.
BOOST_DATA_TEST_CASE(without_signal_group_only_the_child_is_signalled, data::make(inits()), init) {
  Recording recording;
  Running running(options(init.argv + Argv{SIGNAL_RECORDER_BINARY, "--fork", recording.path}));
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  running.signal_init(SIGUSR1);
  // A negative needs a wait; forwarded signals arrive within milliseconds.
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(recording.lines() == "ready\n");
}

BOOST_AUTO_TEST_CASE(signal_map_rewrites_before_forwarding) {
  Recording recording;
  Running running(options(Argv{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--signal-map", "TERM:USR1",
                               "--signal-map", "HUP:TERM", "--", SIGNAL_RECORDER_BINARY, recording.path}));
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  running.signal_init(SIGTERM);
  BOOST_TEST(eventually([&] { return recording.has("USR1"); }), recording.lines());
  running.signal_init(SIGHUP);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(recording.lines() == "ready\nUSR1\nTERM\n");
}

// `docker stop`: SIGTERM to PID 1 from outside the container.
BOOST_DATA_TEST_CASE(docker_stop_ends_the_command_and_the_init_with_143, data::make(inits()), init) {
  Running running(options(init.argv + Argv{"sleep", "30"}));
  BOOST_TEST_REQUIRE(eventually([&] { return command_running(running, "sleep"); }));
  running.signal_init(SIGTERM);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
}

// A signal other than a stop signal is for COMMAND: while the phases run it
// is ignored (USR1's default action would kill them); SIGTERM stops them.
BOOST_AUTO_TEST_CASE(sigterm_while_waiting_for_the_database_stops_before_the_command) {
  TempDir dir("dbinit-supervise");
  const std::string marker = dir.path() + "/command-ran";
  Running running(options(Argv{DBINIT_BINARY, "--skip-migrations", "--wait-timeout", "60s", "--", "touch", marker},
                          {{"DATABASE_URL", unreachable_database}}));
  // The phases run in the supervisor's child; let it get into its retry loop.
  BOOST_TEST_REQUIRE(eventually([&] { return !children_of(running.init()).empty(); }));
  std::this_thread::sleep_for(200ms);
  running.signal_init(SIGUSR1);
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(!children_of(running.init()).empty(), "the phases died of SIGUSR1");
  running.signal_init(SIGTERM);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(contains(result.err, "stopped by signal"), describe(result));
  BOOST_TEST(!exists(marker));
}

// ------------------------------------------------------------------ reaping

BOOST_DATA_TEST_CASE(an_orphaned_grandchild_is_reaped, data::make(inits()), init) {
  // The subshell exits at once; its sleep becomes an orphan of the init.
  Running running(options(init.argv + Argv{"sh", "-c", "(sleep 0.1 &); exec sleep 30"}));
  // Once the command is sleep, the orphan has been forked; in the end only the command may be left.
  const bool only_the_command_left = eventually([&] {
    const auto all = running.descendants();
    return all.size() == 1 && all.front().name == "sleep" && all.front().state != 'Z';
  });
  BOOST_TEST(only_the_command_left, describe(running.descendants()));
}

BOOST_DATA_TEST_CASE(a_hundred_short_lived_orphans_are_all_reaped, data::make(inits()), init) {
  Running running(options(init.argv + Argv{"sh", "-c",
                                           "i=0; while [ $i -lt 100 ]; do (sleep 0.01 &); i=$((i+1)); done; "
                                           "exec sleep 30"}));
  const bool only_the_command_left = eventually(
      [&] {
        const auto all = running.descendants();
        return all.size() == 1 && all.front().name == "sleep" && all.front().state != 'Z';
      },
      10s);
  BOOST_TEST(only_the_command_left, describe(running.descendants()));
}

// ---------------------------------------------------------------- leftovers

BOOST_DATA_TEST_CASE(a_leftover_that_ignores_sigterm_is_killed_after_the_grace, data::make({true, false}), pid_1) {
  TempDir dir("dbinit-supervise");
  const std::string leftover_pid = dir.path() + "/leftover.pid";
  // The leftover ignores SIGTERM and writes its PID; the command exits 3 once it has.
  const std::string script =
      "(trap '' TERM; exec sh -c 'echo $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0\"; exec sleep 30' \"$1\") & "
      "while [ ! -e \"$1\" ]; do sleep 0.01; done; exit 3";
  const Argv argv{DBINIT_BINARY, "--mode", "supervise", "--skip-wait", "--skip-migrations",
                  "--stop-grace", "500ms", "--", "sh", "-c", script, "sh", leftover_pid};
  const auto result = run(options(pid_1 ? as_pid_1(argv) : argv));
  BOOST_TEST(result.exit_code == 3, describe(result));
  BOOST_TEST(result.elapsed >= 500ms, describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
  BOOST_TEST(contains(result.err, "SIGKILL"), describe(result));
  BOOST_TEST(!contains(result.err, "survived"), describe(result));
  if (!pid_1) {
    // Below PID 1 the PID is ours too: dbinit killed and reaped it before exiting.
    const pid_t leftover = std::stoi(read_file(leftover_pid));
    BOOST_TEST((::kill(leftover, 0) == -1 && errno == ESRCH), "leftover " << leftover << " still there");
  }
}

BOOST_AUTO_TEST_CASE(leftovers_that_honour_sigterm_do_not_wait_for_the_grace) {
  const auto result = run(options(as_pid_1(Argv{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--stop-grace",
                                                "10s", "--", "sh", "-c", "sleep 30 & sleep 30 & exit 4"})));
  BOOST_TEST(result.exit_code == 4, describe(result));
  BOOST_TEST(result.elapsed < 3s, describe(result));
  BOOST_TEST(contains(result.err, "sending SIGTERM to the processes the command left behind"), describe(result));
  BOOST_TEST(contains(result.err, "leftover processes stopped"), describe(result));
}

// -------------------------------------------------------------------- modes

BOOST_AUTO_TEST_CASE(exec_mode_keeps_the_pid_and_auto_supervises_as_pid_1) {
  const Argv print_pid{"sh", "-c", "echo $$"};
  auto result = run(options(as_pid_1(Argv{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--mode", "exec", "--"} +
                                     print_pid)));
  BOOST_TEST(result.out == "1\n", describe(result));
  for (const char* mode : {"supervise", "auto"}) {
    result = run(options(as_pid_1(Argv{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--mode", mode, "--"} +
                                  print_pid)));
    BOOST_TEST(result.exit_code == 0, describe(result));
    BOOST_TEST(result.out == "2\n", mode << ": " << describe(result));
  }
  result = run(options(as_pid_1(Argv{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--"} + print_pid),
                       {{"DBINIT_MODE", "exec"}}));
  BOOST_TEST(result.out == "1\n", describe(result));
}

BOOST_AUTO_TEST_CASE(below_pid_1_auto_execs) {
  Process process(options(dbinit_init.argv + Argv{"sh", "-c", "echo $$"}));
  const auto result = process.wait();
  BOOST_TEST(result.out == std::to_string(process.pid()) + "\n", describe(result));
}

BOOST_AUTO_TEST_CASE(below_pid_1_supervise_adopts_orphans_as_subreaper) {
  Running running(options(Argv{DBINIT_BINARY, "--mode", "supervise", "--skip-wait", "--skip-migrations", "--", "sh",
                               "-c", "(exec sleep 30 &); exec sleep 31"}),
                  /*pid_1=*/false);
  // The command and the orphan its subshell left, both children of dbinit.
  const bool adopted = eventually([&] {
    const auto children = children_of(running.init());
    return children.size() == 2 && children[0].name == "sleep" && children[1].name == "sleep";
  });
  BOOST_TEST_REQUIRE(adopted, describe(children_of(running.init())));
  running.signal_init(SIGTERM);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
  BOOST_TEST(result.elapsed < 5s, describe(result));
}

BOOST_AUTO_TEST_CASE(subcommands_never_fork) {
  Running running(options(Argv{DBINIT_BINARY, "--mode", "supervise", "--wait-timeout", "60s", "wait"},
                          {{"DATABASE_URL", unreachable_database}}));
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(running.descendants().empty(), describe(running.descendants()));
  running.signal_init(SIGTERM);
  const auto result = running.wait();
  BOOST_TEST(result.exit_code == 143, describe(result));
}

// ------------------------------------------------- what the command inherits

BOOST_DATA_TEST_CASE(no_descriptor_leaks_into_the_command, data::make(inits()), init) {
  Running running(options(init.argv + Argv{"sleep", "30"}));
  BOOST_TEST_REQUIRE(eventually([&] { return command_running(running, "sleep"); }));
  const pid_t command = children_of(running.init()).front().pid;
  BOOST_TEST(settled_descriptors(command) == "0 1 2 ");
}

// The phases run in the child: their connections must be gone, or closed on
// exec, by the time the command starts.
BOOST_AUTO_TEST_CASE(no_descriptor_leaks_after_waiting_and_migrating_against_a_real_database) {
  PgCluster cluster;
  const std::string database = cluster.create_database();
  Running running(options(Argv{DBINIT_BINARY, "--", "sleep", "30"}, {{"DATABASE_URL", cluster.url(database)}}));
  BOOST_TEST_REQUIRE(eventually([&] { return command_running(running, "sleep"); }, 15s));
  const pid_t command = children_of(running.init()).front().pid;
  BOOST_TEST(settled_descriptors(command) == "0 1 2 ");
  BOOST_TEST(std::stoi(cluster.scalar("SELECT count(*) FROM dbinit_schema_history", database)) > 0);
}

BOOST_DATA_TEST_CASE(the_command_gets_the_callers_mask_and_ignored_signals, data::make(inits()), init) {
  const auto result = run(options(as_pid_1(Argv{WITH_SIGNALS_BINARY, "--block", "USR2", "--ignore", "HUP",
                                                "--ignore", "INT", "--"} +
                                           init.argv + Argv{"cat", "/proc/self/status"})));
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(status_mask(result.out, "SigBlk") == signal_bit(SIGUSR2));
  BOOST_TEST(status_mask(result.out, "SigIgn") == (signal_bit(SIGHUP) | signal_bit(SIGINT)));
}

BOOST_AUTO_TEST_CASE(an_ignored_sigchld_stays_ignored_and_exit_codes_still_arrive) {
  auto result = run(options(as_pid_1(Argv{WITH_SIGNALS_BINARY, "--ignore", "CHLD", "--"} + dbinit_init.argv +
                                     Argv{"cat", "/proc/self/status"})));
  BOOST_TEST_REQUIRE(result.exit_code == 0, describe(result));
  BOOST_TEST(status_mask(result.out, "SigIgn") == signal_bit(SIGCHLD));
  result = run(options(as_pid_1(Argv{WITH_SIGNALS_BINARY, "--ignore", "CHLD", "--"} + dbinit_init.argv +
                                Argv{"sh", "-c", "exit 9"})));
  BOOST_TEST(result.exit_code == 9, describe(result));
}

BOOST_DATA_TEST_CASE(standard_input_reaches_the_command, data::make(inits()), init) {
  auto settings = options(as_pid_1(init.argv + Argv{"cat"}));
  settings.input = "line one\nline two\n";
  const auto result = run(settings);
  BOOST_TEST(result.exit_code == 0, describe(result));
  BOOST_TEST(result.out == "line one\nline two\n", describe(result));
}

// docker run -it: the command's group must get the terminal's foreground,
// or its first read stops it with SIGTTIN; with --signal-group or without.
BOOST_AUTO_TEST_CASE(an_interactive_command_reads_the_terminal) {
  const std::string command = "sh -c 'read line; echo got:$line'";
  for (const std::string& init : {std::string(DBINIT_BINARY) + " --skip-wait --skip-migrations --mode supervise --",
                                 std::string(DBINIT_BINARY) + " --skip-wait --skip-migrations --mode supervise "
                                                              "--signal-group --",
                                 std::string("/usr/bin/tini -s --"), std::string("/usr/bin/tini -s -g --")}) {
    if (!exists(init.substr(0, init.find(' ')))) continue;
    // script(1) runs the init as a session leader on a new pseudo-terminal.
    auto settings = options(Argv{"script", "-qec", init + " " + command, "/dev/null"});
    settings.input = "answer\n";
    settings.timeout = 10s;
    const auto result = run(settings);
    BOOST_TEST(result.exit_code == 0, init << ": " << describe(result));
    BOOST_TEST(contains(result.out, "got:answer"), init << ": " << describe(result));
  }
}

// ---------------------------------------------------------- on a terminal

namespace {

// An init started as a session leader on a new pseudo-terminal, holding its
// foreground, as `docker run -it` or a shell starts it. What the test types
// reaches the terminal's line discipline: Ctrl-C becomes SIGINT for the
// foreground process group.
class OnTerminal {
 public:
  explicit OnTerminal(const Argv& argv) {
    pid_ = ::forkpty(&terminal_, nullptr, nullptr, nullptr);
    BOOST_TEST_REQUIRE(pid_ >= 0, "forkpty failed");
    if (pid_ == 0) {
      std::vector<char*> pointers;
      for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
      pointers.push_back(nullptr);
      ::execv(pointers[0], pointers.data());
      ::_exit(127);
    }
  }
  ~OnTerminal() {
    if (!exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(terminal_);
  }

  pid_t pid() const { return pid_; }
  void type(const std::string& keys) const {
    BOOST_TEST_REQUIRE(::write(terminal_, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  }
  // The exit code; what the terminal showed is kept for the messages.
  int wait() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline), "the init did not exit; it showed:\n" << shown_);
      read_shown();
      std::this_thread::sleep_for(5ms);
    }
    read_shown();
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return *exit_code_;
  }
  const std::string& shown() const { return shown_; }

 private:
  void read_shown() {
    pollfd ready{terminal_, POLLIN, 0};
    char buffer[4096];
    while (::poll(&ready, 1, 0) > 0 && (ready.revents & POLLIN)) {
      const auto got = ::read(terminal_, buffer, sizeof buffer);
      if (got <= 0) break;
      shown_.append(buffer, static_cast<std::size_t>(got));
    }
  }

  int terminal_ = -1;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string shown_;
};

const Argv dbinit_on_terminal{DBINIT_BINARY, "--skip-wait", "--skip-migrations", "--mode", "supervise", "--"};

}  // namespace

// Ctrl-C: the terminal signals its foreground group, which is the command's
// alone; dbinit does not receive it, so it does not forward it a second time.
// A TERM to dbinit alone is forwarded once.
BOOST_AUTO_TEST_CASE(ctrl_c_on_a_terminal_reaches_the_command_once) {
  Recording recording;
  OnTerminal init(dbinit_on_terminal + Argv{SIGNAL_RECORDER_BINARY, "--linger", recording.path});
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  init.type("\x03");
  BOOST_TEST_REQUIRE(eventually([&] { return recording.has("INT"); }), recording.lines());
  std::this_thread::sleep_for(300ms);  // a second INT would have come by now
  BOOST_TEST_REQUIRE(::kill(init.pid(), SIGTERM) == 0);
  BOOST_TEST(init.wait() == 0, init.shown());
  BOOST_TEST(recording.lines() == "ready\nINT\nTERM\n", init.shown());
}

// `timeout`, shells and service managers signal the whole process group they
// started: dbinit's. The command is not in it, so it hears it once, forwarded.
BOOST_AUTO_TEST_CASE(a_signal_to_dbinits_process_group_reaches_the_command_once) {
  Recording recording;
  OnTerminal init(dbinit_on_terminal + Argv{SIGNAL_RECORDER_BINARY, "--linger", recording.path});
  BOOST_TEST_REQUIRE(eventually([&] { return recording.ready(); }));
  BOOST_TEST_REQUIRE(::killpg(init.pid(), SIGUSR1) == 0);
  BOOST_TEST_REQUIRE(eventually([&] { return recording.has("USR1"); }), recording.lines());
  std::this_thread::sleep_for(300ms);
  BOOST_TEST_REQUIRE(::killpg(init.pid(), SIGTERM) == 0);
  BOOST_TEST(init.wait() == 0, init.shown());
  BOOST_TEST(recording.lines() == "ready\nUSR1\nTERM\n", init.shown());
}

// ------------------------------------------------------------------ memory

namespace {

struct Footprint {
  std::string name;
  long rss_kb = -1;
};

long status_kb(pid_t pid, const std::string& field) {
  const std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("\n" + field + ":");
  return at == std::string::npos ? -1 : std::stol(status.substr(at + field.size() + 2));
}

// VmRSS of an init as PID 1 while it supervises an idle sleep.
long supervising_rss_kb(const Argv& init_argv) {
  Running running(options(init_argv + Argv{"sleep", "30"}));
  BOOST_TEST_REQUIRE(eventually([&] { return command_running(running, "sleep"); }));
  // dbinit hands back its start-up memory 50 ms after starting the command;
  // past that, every init is asleep in its signal wait.
  std::this_thread::sleep_for(250ms);
  return status_kb(running.init(), "VmRSS");
}

}  // namespace

// tini wakes up every second to reap; dbinit sleeps in sigwaitinfo() until a
// signal comes. Context switches count every time the process ran.
BOOST_AUTO_TEST_CASE(the_idle_supervisor_never_wakes_up) {
  Running running(options(dbinit_init.argv + Argv{"sleep", "30"}));
  BOOST_TEST_REQUIRE(eventually([&] { return command_running(running, "sleep"); }));
  std::this_thread::sleep_for(250ms);  // past the start-up memory hand-back, 50 ms after the start
  auto switches = [&] {
    return status_kb(running.init(), "voluntary_ctxt_switches") + status_kb(running.init(), "nonvoluntary_ctxt_switches");
  };
  const long before = switches();
  std::this_thread::sleep_for(1100ms);  // longer than tini's one-second tick
  BOOST_TEST(switches() == before);
}

// The resident supervisor must stay close to tini in size: the fork comes
// before the database and the logging core, and what start-up touched is
// handed back. Without that it is 10 MB here (dynamic build).
BOOST_AUTO_TEST_CASE(the_resident_supervisor_is_small) {
  std::vector<Footprint> footprints{{"dbinit", supervising_rss_kb(dbinit_init.argv)}};
  for (const char* other : {"/usr/bin/tini", "/usr/bin/tini-static", "/usr/bin/dumb-init", "/usr/bin/catatonit"})
    if (::access(other, X_OK) == 0) footprints.push_back({other, supervising_rss_kb(Argv{other, "--"})});
  for (const auto& footprint : footprints)
    BOOST_TEST_MESSAGE("VmRSS " << footprint.rss_kb << " kB  " << footprint.name);
  BOOST_TEST(footprints.front().rss_kb > 0);
#if !DBINIT_TEST_UNDER_ASAN  // shadow memory and quarantine say nothing about dbinit
  BOOST_TEST(footprints.front().rss_kb < 4096);
#endif
}
