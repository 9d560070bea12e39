// The migration-set validator: NUL-separated name, content, name, content...
// It accepts or refuses with one line naming a file; what it accepts is in
// strictly increasing version order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "migration_set/set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto end = input.find('\0', start);
    parts.push_back(input.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::vector<dbinit::MigrationFile> files;
  for (std::size_t i = 0; i + 1 < parts.size(); i += 2) files.push_back({parts[i], parts[i + 1]});
  const auto outcome = dbinit::read_migration_set(files);
  if (!outcome.error.empty()) {
    if (outcome.error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  for (std::size_t i = 1; i < outcome.migrations.size(); ++i)
    if (outcome.migrations[i - 1].version >= outcome.migrations[i].version) std::abort();
  (void)dbinit::set_digest(outcome.migrations);
  return 0;
}
