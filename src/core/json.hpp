#pragma once
// JSON strings, for the JSON log format and `dbinit status --format json`:
// what they print is parsed by machines, so every control character is
// escaped. Pure.
#include <string>
#include <string_view>

namespace dbinit {

// Appends text as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace dbinit
