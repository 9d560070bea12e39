// A program made of the supervise library alone (test/CMakeLists.txt): it
// links only if no supervise code reaches for libpq or Boost.Log, whose
// libraries are not on its link line. Run, it supervises its arguments as
// dbinit --mode supervise would, which check-symbols uses to see it work.
#include <unistd.h>

#include <cstdio>

#include "supervise/supervisor.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: supervise_only COMMAND [ARGS...]\n");
    return 2;
  }
  dbinit::SuperviseSettings settings;
  settings.mode = dbinit::Mode::supervise;
  if (auto code = dbinit::supervise_if_needed(settings, {}, true)) return *code;
  ::execvp(argv[1], argv + 1);
  std::perror(argv[1]);
  return 127;
}
