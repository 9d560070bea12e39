#pragma once
// Booleans as users write them in options and environment variables.
#include <optional>
#include <string_view>

namespace dbinit {

// 1/0, true/false, yes/no, on/off, in any case.
std::optional<bool> parse_bool(std::string_view text);
inline constexpr std::string_view bool_forms = "one of 1/0, true/false, yes/no, on/off";

}  // namespace dbinit
