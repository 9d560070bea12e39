#include "log.hpp"

#include <unistd.h>

#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/core/null_deleter.hpp>
#include <boost/smart_ptr/make_shared_object.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace dbinit::log {

namespace {

struct Settings {
  Level level = Level::info;
  Format format = Format::text;
  bool core_ready = false;
};

Settings& settings() {
  static Settings instance;
  return instance;
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

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

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

void emit(Level level, std::string_view phase, std::string_view message, const Fields& fields) {
  if (!enabled(level)) return;
  Fields clean;
  clean.reserve(fields.size());
  for (const auto& [key, value] : fields) clean.emplace_back(key, redactor().apply(value));
  const std::string safe_message = redactor().apply(message);
  const std::string line =
      format_record({utc_timestamp_now(), level, phase, safe_message, clean}, settings().format);
  if (!settings().core_ready) {
    std::cerr << line << '\n' << std::flush;
    return;
  }
  boost::log::sources::severity_logger<Level> logger;
  BOOST_LOG_SEV(logger, level) << line;
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  if (text == "debug") return Level::debug;
  if (text == "info") return Level::info;
  if (text == "warn" || text == "warning") return Level::warn;
  if (text == "error") return Level::error;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::text;
  if (text == "json") return Format::json;
  return std::nullopt;
}

std::string utc_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
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
    append_json_string(out, record.phase);
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
  out += record.phase;
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

void configure(Level level, Format format) {
  settings().level = level;
  settings().format = format;
}

void init(Level level, Format format) {
  configure(level, format);
  namespace sinks = boost::log::sinks;
  auto backend = boost::make_shared<sinks::text_ostream_backend>();
  backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
  backend->auto_flush(true);
  auto sink = boost::make_shared<sinks::synchronous_sink<sinks::text_ostream_backend>>(backend);
  // Records arrive fully formatted (format_record), so the sink only prints.
  sink->set_formatter(boost::log::expressions::stream << boost::log::expressions::smessage);
  auto core = boost::log::core::get();
  core->remove_all_sinks();
  core->add_sink(sink);
  settings().core_ready = true;
}

Redactor& redactor() {
  static Redactor instance;
  return instance;
}

bool enabled(Level level) { return static_cast<int>(level) >= static_cast<int>(settings().level); }

void debug(std::string_view phase, std::string_view message, const Fields& fields) {
  emit(Level::debug, phase, message, fields);
}
void info(std::string_view phase, std::string_view message, const Fields& fields) {
  emit(Level::info, phase, message, fields);
}
void warn(std::string_view phase, std::string_view message, const Fields& fields) {
  emit(Level::warn, phase, message, fields);
}
void error(std::string_view phase, std::string_view message, const Fields& fields) {
  emit(Level::error, phase, message, fields);
}

void write_direct(Level level, std::string_view phase, std::string_view message, const Fields& fields) {
  if (!enabled(level)) return;
  std::string line = format_record({utc_timestamp_now(), level, phase, message, fields}, settings().format);
  line += '\n';
  // A short write to stderr is not worth more than one retry loop.
  for (std::size_t done = 0; done < line.size();) {
    const auto n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace dbinit::log
