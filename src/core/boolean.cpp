#include "core/boolean.hpp"

#include "core/text.hpp"

namespace dbinit {

std::optional<bool> parse_bool(std::string_view text) {
  const std::string value = lower(text);
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  return std::nullopt;
}

}  // namespace dbinit
