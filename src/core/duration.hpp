#pragma once
// Durations as users write them in options and environment variables, and
// as logs print them.
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace dbinit {

// "250ms", "5s", "1.5s", "2m", "1h"; a bare number means seconds. A
// fraction is accepted where it comes to whole milliseconds: what
// format_duration prints ("1.5s" in logs and --help) reads back.
std::optional<Milliseconds> parse_duration(std::string_view text);
inline constexpr std::string_view duration_forms =
    "a duration such as 250ms, 5s, 1.5s, 2m or 1h (a bare number means seconds; whole milliseconds)";

// Shortest exact form, for logs and help: "1.5s", "200ms", "2m".
std::string format_duration(Milliseconds duration);

}  // namespace dbinit
