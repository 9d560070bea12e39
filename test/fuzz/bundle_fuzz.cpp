// The bundle payload reader: any bytes are refused or decoded, and what
// decodes encodes back to the same bytes (one form per set).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "migration_set/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto files = dbinit::decode_payload(payload);
  if (files && dbinit::encode_payload(*files) != payload) std::abort();
  return 0;
}
