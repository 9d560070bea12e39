#pragma once
// Signal names as users write them: "TERM", "SIGTERM" or "15".
#include <optional>
#include <string>
#include <string_view>

namespace dbinit {

std::optional<int> parse_signal(std::string_view text);
std::string signal_name(int signal_number);  // "SIGTERM", or "signal 42"

}  // namespace dbinit
