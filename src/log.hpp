#pragma once
// The one logging facade: every line dbinit writes goes through here, so the
// sink (stderr via Boost.Log), the format (text or JSON) and password
// redaction live in log.cpp and nowhere else.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redact.hpp"

namespace dbinit::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };

std::optional<Level> parse_level(std::string_view text);
std::optional<Format> parse_format(std::string_view text);

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Record {
  std::string timestamp;  // UTC, ISO 8601 with milliseconds
  Level level;
  std::string_view phase;
  std::string_view message;
  const Fields& fields;
};

// Pure formatting, shared by the Boost.Log sink and write_direct().
std::string format_record(const Record& record, Format format);
std::string utc_timestamp_now();

// Level and format only, without the Boost.Log core: enough for write_direct().
void configure(Level level, Format format);
// configure() plus the Boost.Log core and sink; before this, lines go to stderr.
void init(Level level, Format format);
Redactor& redactor();

void debug(std::string_view phase, std::string_view message, const Fields& fields = {});
void info(std::string_view phase, std::string_view message, const Fields& fields = {});
void warn(std::string_view phase, std::string_view message, const Fields& fields = {});
void error(std::string_view phase, std::string_view message, const Fields& fields = {});
bool enabled(Level level);

// For the resident supervisor, which must stay small and never pulls in the
// logging core: formats the same way and write()s straight to stderr.
void write_direct(Level level, std::string_view phase, std::string_view message, const Fields& fields = {});

}  // namespace dbinit::log
