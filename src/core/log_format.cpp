#include "core/log_format.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/json.hpp"

namespace dbinit::log {

namespace {

// Text values are quoted only when they would otherwise be ambiguous.
void append_text_value(std::string& out, std::string_view value) {
  if (!value.empty() && value.find_first_of(" \"=\t\n") == std::string_view::npos) {
    out += value;
    return;
  }
  append_json_string(out, value);
}

// One line per event: control characters from server messages must not
// split a record over several lines.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  for (const Level level : {Level::debug, Level::info, Level::warn, Level::error})
    if (text == level_name(level)) return level;
  if (text == "warning") return Level::warn;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
  for (const Format format : {Format::text, Format::json})
    if (text == format_name(format)) return format;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::string_view format_name(Format format) { return format == Format::json ? "json" : "text"; }

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::config: return "config";
    case Phase::wait: return "wait";
    case Phase::migrate: return "migrate";
    case Phase::hand_off: return "hand-off";
    case Phase::supervise: return "supervise";
  }
  return "config";
}

std::string utc_timestamp_now() {
  // The civil date from the calendar arithmetic in <chrono>, not gmtime_r():
  // glibc's reads /etc/localtime on its first call, which the supervisor
  // would pay for in every start.
  using namespace std::chrono;
  const auto now = time_point_cast<milliseconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date{day};
  const hh_mm_ss time{now - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return buffer;
}

std::string format_record(const Record& record, Format format) {
  std::string out;
  if (format == Format::json) {
    out += "{\"ts\":";
    append_json_string(out, record.timestamp);
    out += ",\"level\":";
    append_json_string(out, level_name(record.level));
    out += ",\"phase\":";
    append_json_string(out, phase_name(record.phase));
    out += ",\"msg\":";
    append_json_string(out, record.message);
    for (const auto& [key, value] : record.fields) {
      out += ',';
      append_json_string(out, key);
      out += ':';
      append_json_string(out, value);
    }
    out += '}';
    return out;
  }
  out += record.timestamp;
  out += ' ';
  std::string level(level_name(record.level));
  for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += level;
  out.append(6 - level.size(), ' ');
  out += phase_name(record.phase);
  out += ": ";
  out += one_line(record.message);
  for (const auto& [key, value] : record.fields) {
    out += ' ';
    out += key;
    out += '=';
    append_text_value(out, one_line(value));
  }
  return out;
}

}  // namespace dbinit::log
