// A stand-in for a service behind an init: appends the name of every signal
// an init should forward to FILE, one line each, after a first line "ready"
// once it is listening. SIGTERM is recorded and then ends it with exit code 0,
// as a well-behaved service would.
//
//   signal_recorder FILE          records itself
//   signal_recorder --linger FILE records itself, and after SIGTERM goes on
//                                 recording for 300 ms before it exits, so a
//                                 second delivery of a signal is seen too
//   signal_recorder --fork FILE   records in a forked child; the parent only
//                                 waits, deaf to every signal, and exits with
//                                 the child's code. The recorder sees a signal
//                                 only when it is sent to the process group.
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr int recorded[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM, SIGTERM};

[[noreturn]] void fail(const char* attempted) {
  std::fprintf(stderr, "signal_recorder: %s: %s\n", attempted, strerror(errno));
  std::exit(100);
}

void append_line(int fd, const std::string& line) {
  const std::string text = line + "\n";
  // O_APPEND and one write() per line: the test never sees half a line.
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) fail("writing the record");
}

int record(const char* path, bool linger = false) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : recorded) sigaddset(&set, signal_number);
  // Blocked and taken with sigwaitinfo(): nothing is lost between signals.
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) fail("blocking the recorded signals");
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("opening the record file");
  append_line(fd, "ready");
  for (;;) {
    const int received = sigwaitinfo(&set, nullptr);
    if (received < 0) {
      if (errno == EINTR) continue;
      fail("waiting for signals");
    }
    append_line(fd, sigabbrev_np(received));
    if (received == SIGTERM && !linger) return 0;
    if (received == SIGTERM) {
      const timespec grace{0, 300'000'000};
      for (int more; (more = sigtimedwait(&set, nullptr, &grace)) > 0 || errno == EINTR;)
        if (more > 0) append_line(fd, sigabbrev_np(more));
      return 0;
    }
  }
}

int fork_and_wait(const char* path) {
  sigset_t all;
  sigfillset(&all);
  if (sigprocmask(SIG_BLOCK, &all, nullptr) != 0) fail("blocking every signal");
  const pid_t child = ::fork();
  if (child < 0) fail("fork");
  if (child == 0) std::exit(record(path));
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) fail("waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2) return record(argv[1]);
  if (argc == 3 && std::string(argv[1]) == "--fork") return fork_and_wait(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "--linger") return record(argv[2], true);
  std::fprintf(stderr, "usage: signal_recorder [--fork | --linger] FILE\n");
  return 2;
}
