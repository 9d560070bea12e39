// Durations: parsing never crashes, and what it accepts survives a round
// trip through the form dbinit prints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = dbinit::parse_duration(text);
  if (!parsed) return 0;
  if (parsed->count() < 0) std::abort();
  const auto again = dbinit::parse_duration(dbinit::format_duration(*parsed));
  if (!again || *again != *parsed) std::abort();
  return 0;
}
