#include "core/duration.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "core/text.hpp"

namespace dbinit {

std::optional<Milliseconds> parse_duration(std::string_view text) {
  std::int64_t amount = 0;
  const char* end = text.data() + text.size();
  auto [rest, error] = std::from_chars(text.data(), end, amount);
  if (error != std::errc{} || rest == text.data() || amount < 0) return std::nullopt;
  // An optional fraction: digits after a point, at most 9.
  std::int64_t fraction = 0, scale = 1;
  if (rest != end && *rest == '.') {
    const char* digits = ++rest;
    while (rest != end && *rest >= '0' && *rest <= '9' && rest - digits < 9) fraction = fraction * 10 + (*rest++ - '0'), scale *= 10;
    if (rest == digits || (rest != end && *rest >= '0' && *rest <= '9')) return std::nullopt;
  }
  const std::string unit = lower(std::string_view(rest, end - rest));
  std::int64_t factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit.empty() || unit == "s") factor = 1000;
  else if (unit == "m") factor = 60 * 1000;
  else if (unit == "h") factor = 60 * 60 * 1000;
  else return std::nullopt;
  // Refuse values that would overflow rather than wrap to a short timeout.
  if (amount > std::numeric_limits<std::int64_t>::max() / factor / 1000) return std::nullopt;
  if (fraction * factor % scale != 0) return std::nullopt;  // finer than a millisecond
  return Milliseconds(amount * factor + fraction * factor / scale);
}

std::string format_duration(Milliseconds duration) {
  const auto ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  std::string out = std::to_string(ms / 1000);
  if (const auto fraction = ms % 1000; fraction != 0) {
    char digits[4] = {char('0' + fraction / 100), char('0' + fraction / 10 % 10), char('0' + fraction % 10), 0};
    std::string tail = digits;
    tail.erase(tail.find_last_not_of('0') + 1);
    out += "." + tail;
  }
  return out + "s";
}

}  // namespace dbinit
