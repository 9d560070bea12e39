// A program made of the lint library alone (test/CMakeLists.txt), as
// dbinit-lint is: it links only if no code of the rules, of the migration
// set or of PostgreSQL's parser reaches for libpq, libssl or Boost.Log,
// whose libraries are not on its link line. Run on a directory, it lints
// the set there as dbinit-lint does, and exits with lint's code.
#include <cstdio>

#include "lint/inputs.hpp"
#include "lint/lint.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lint_only DIRECTORY\n");
    return 2;
  }
  std::string error;
  const auto texts = dbinit::lint::read_set_directory(argv[1], std::nullopt, error);
  if (!texts) {
    std::fprintf(stderr, "lint_only: %s\n", error.c_str());
    return 2;
  }
  const auto report = dbinit::lint::lint_migrations(*texts);
  std::printf("lint_only: %zu files read, %zu statements, %zu findings\n", report.files_parsed, report.statements,
              report.findings.size());
  return dbinit::lint::lint_exit_code(report);
}
