// A program made of the supervise library alone (test/CMakeLists.txt): it
// links only if no supervise code reaches for libpq or Boost.Log, whose
// libraries are not on its link line. Run, it supervises its arguments as
// dbinit --mode supervise would, which check-symbols uses to see it work.
#include <cstdio>

#include "supervise/supervisor.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: supervise_only COMMAND [ARGS...]\n");
    return 2;
  }
  dbinit::SuperviseSettings settings;
  settings.mode = dbinit::Mode::supervise;
  const dbinit::SupervisedRun run{{}, {argv + 1, argv + argc}};
  if (auto code = dbinit::supervise_if_needed(settings, {}, run)) return *code;
  std::fprintf(stderr, "supervise_only: supervise mode did not supervise\n");
  return 70;
}
