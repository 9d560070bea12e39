#pragma once
// What a log line says and how it looks, apart from where it goes: the
// levels, the phases, the text and JSON formats. Pure, so that the resident
// supervisor (which writes straight to stderr) and the Boost.Log sink of the
// database side (log/log.hpp) print the same lines.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbinit::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };

// The steps of main's outline, plus the resident supervisor; every line
// names the one it belongs to.
enum class Phase { config, wait, migrate, hand_off, supervise };

struct LogSettings {
  Level level = Level::info;
  Format format = Format::text;
};

std::optional<Level> parse_level(std::string_view text);
std::optional<Format> parse_format(std::string_view text);
std::string_view level_name(Level level);    // "debug", "info", "warn", "error"
std::string_view format_name(Format format); // "text", "json"
std::string_view phase_name(Phase phase);    // "config", "wait", "migrate", "hand-off", "supervise"

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Record {
  std::string timestamp;  // UTC, ISO 8601 with milliseconds
  Level level;
  Phase phase;
  std::string_view message;
  const Fields& fields;
};

std::string format_record(const Record& record, Format format);
std::string utc_timestamp_now();

}  // namespace dbinit::log
