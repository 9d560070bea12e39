// Starts a program with a chosen signal state, as a caller of an init might
// (nohup ignores HUP, a shell's background job ignores INT and QUIT):
//
//   with_signals [--block SIG]... [--ignore SIG]... -- PROGRAM [ARGS...]
//
// SIG is a name without "SIG" (USR2) as sigabbrev_np() spells it. Every
// other signal is unblocked and left at its default.
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

int signal_number(const std::string& name) {
  for (int number = 1; number < 32; ++number)
    if (const char* abbreviation = sigabbrev_np(number); abbreviation && name == abbreviation) return number;
  std::fprintf(stderr, "with_signals: unknown signal %s\n", name.c_str());
  _exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t blocked;
  sigemptyset(&blocked);
  int arg = 1;
  for (; arg + 1 < argc && std::string(argv[arg]) != "--"; arg += 2) {
    const std::string option = argv[arg];
    const int number = signal_number(argv[arg + 1]);
    if (option == "--block") {
      sigaddset(&blocked, number);
    } else if (option == "--ignore") {
      if (signal(number, SIG_IGN) == SIG_ERR) {
        std::fprintf(stderr, "with_signals: ignoring %s: %s\n", argv[arg + 1], strerror(errno));
        return 2;
      }
    } else {
      std::fprintf(stderr, "with_signals: unknown option %s\n", option.c_str());
      return 2;
    }
  }
  if (arg + 1 >= argc) {
    std::fprintf(stderr, "usage: with_signals [--block SIG]... [--ignore SIG]... -- PROGRAM [ARGS...]\n");
    return 2;
  }
  if (sigprocmask(SIG_SETMASK, &blocked, nullptr) != 0) {
    std::fprintf(stderr, "with_signals: setting the mask: %s\n", strerror(errno));
    return 2;
  }
  execvp(argv[arg + 1], argv + arg + 1);
  std::fprintf(stderr, "with_signals: exec %s: %s\n", argv[arg + 1], strerror(errno));
  return 127;
}
