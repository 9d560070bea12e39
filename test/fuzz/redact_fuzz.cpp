// Redaction: the first line is a password dbinit knows, the rest a log
// line. The password never survives, and the patterns never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/redact.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) {
    (void)dbinit::redact_connection_patterns(input);
    return 0;
  }
  const auto secret = input.substr(0, newline), text = input.substr(newline + 1);
  dbinit::Redactor redactor;
  redactor.add_secret(secret);
  const std::string out = redactor.apply(text);
  (void)dbinit::redact_connection_patterns(out);
  // Short secrets are replaced as whole words only (core/redact.cpp: "pw"
  // inside "pwd" is not a password); a secret made of the marker's own '*'
  // can be rebuilt by the marker itself.
  if (secret.size() >= 6 && secret.find('*') == std::string_view::npos && out.find(secret) != std::string::npos)
    std::abort();
  return 0;
}
