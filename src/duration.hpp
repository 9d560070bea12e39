#pragma once
// Parsing of the value forms that options and environment variables accept.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dbinit {

using Milliseconds = std::chrono::milliseconds;

// "250ms", "5s", "2m", "1h"; a bare number means seconds.
std::optional<Milliseconds> parse_duration(std::string_view text);
inline constexpr std::string_view duration_forms =
    "a duration such as 250ms, 5s, 2m or 1h (a bare number means seconds)";

// 1/0, true/false, yes/no, on/off, in any case.
std::optional<bool> parse_bool(std::string_view text);
inline constexpr std::string_view bool_forms = "one of 1/0, true/false, yes/no, on/off";

// Shortest exact form, for logs: "1.5s", "200ms", "2m".
std::string format_duration(Milliseconds duration);

}  // namespace dbinit
