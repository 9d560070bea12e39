#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace dbinit::test {

namespace {

bool is_isolated_variable(std::string_view entry) {
  return entry.starts_with("DBINIT_") || entry.starts_with("DATABASE_URL") || entry.starts_with("PG");
}

std::vector<std::string> child_environment(const ProcessOptions& options) {
  std::vector<std::string> entries;
  if (options.inherit_environment)
    for (char** entry = environ; *entry; ++entry)
      if (!is_isolated_variable(*entry)) entries.emplace_back(*entry);
  for (const auto& [name, value] : options.env) entries.push_back(name + "=" + value);
  return entries;
}

void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open = 2;
  char buffer[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

// With DBINIT_TEST_LOG_DIR set (scripts/test sets it), everything a child
// wrote is kept there, so that scripts/check-secrets can look for passwords
// in every log the suite produced, not only in the failures shown.
void keep_in_suite_log(const std::vector<std::string>& argv, const ProcessResult& result) {
  const char* directory = std::getenv("DBINIT_TEST_LOG_DIR");
  if (!directory || !*directory) return;
  // The program only: a test's own arguments may carry the password it gives.
  std::string record = "$ " + (argv.empty() ? std::string("?") : argv.front()) + "\n" + result.out + result.err + "\n";
  const int fd = ::open((std::string(directory) + "/cpp-tests.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  for (std::size_t done = 0; done < record.size();) {
    const auto written = ::write(fd, record.data() + done, record.size() - done);
    if (written <= 0) break;
    done += static_cast<std::size_t>(written);
  }
  ::close(fd);
}

}  // namespace

Process::Process(const ProcessOptions& options) : options_(options) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(in_pipe, O_CLOEXEC))
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  auto env = child_environment(options);
  std::vector<char*> argv, envp;
  for (auto& arg : options_.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  started_ = std::chrono::steady_clock::now();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    // Start the child with default signal handling and an empty mask, as a shell would.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvpe(argv[0], argv.data(), envp.data());
    dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (!options_.input.empty()) {
    // Small inputs only: the pipe buffer holds them without blocking.
    [[maybe_unused]] auto written = ::write(in_pipe[1], options_.input.data(), options_.input.size());
  }
  ::close(in_pipe[1]);
  reader_ = std::thread([this] { drain(out_fd_, err_fd_, out_, err_); });
}

Process::~Process() {
  if (!result_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

void Process::send_signal(int signal_number) const { ::kill(pid_, signal_number); }

ProcessResult Process::wait() {
  if (result_) return *result_;
  ProcessResult result;
  const auto deadline = started_ + options_.timeout;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(Milliseconds(5));
  }
  result.elapsed = std::chrono::duration_cast<Milliseconds>(std::chrono::steady_clock::now() - started_);
  reader_.join();
  ::close(out_fd_);
  ::close(err_fd_);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = std::move(out_);
  result.err = std::move(err_);
  keep_in_suite_log(options_.argv, result);
  result_ = result;
  return result;
}

ProcessResult run(const ProcessOptions& options) { return Process(options).wait(); }

ProcessOptions dbinit_options(std::vector<std::string> args, std::map<std::string, std::string> env) {
  ProcessOptions options;
  options.argv.push_back(DBINIT_BINARY);
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = std::move(env);
  return options;
}

ProcessResult run_dbinit(std::vector<std::string> args, std::map<std::string, std::string> env, Milliseconds timeout) {
  auto options = dbinit_options(std::move(args), std::move(env));
  options.timeout = timeout;
  return run(options);
}

std::string describe(const ProcessResult& result) {
  return "exit=" + std::to_string(result.exit_code) + " signal=" + std::to_string(result.signal) +
         " elapsed=" + std::to_string(result.elapsed.count()) + "ms" + (result.timed_out ? " TIMED OUT" : "") +
         "\n--- stdout ---\n" + result.out + "--- stderr ---\n" + result.err;
}

}  // namespace dbinit::test
