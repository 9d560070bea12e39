#include "log/log.hpp"

#include <boost/core/null_deleter.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/smart_ptr/make_shared_object.hpp>
#include <iostream>

namespace dbinit::log {

namespace {

struct State {
  LogSettings settings;
  bool core_ready = false;
};

State& state() {
  static State instance;
  return instance;
}

void emit(Level level, Phase phase, std::string_view message, const Fields& fields) {
  if (!enabled(level)) return;
  Fields clean;
  clean.reserve(fields.size());
  for (const auto& [key, value] : fields) clean.emplace_back(key, redactor().apply(value));
  const std::string safe_message = redactor().apply(message);
  // The newline is part of the line so that each line is one write(2):
  // the supervisor and the phases write to the same stderr, and one write
  // of less than PIPE_BUF bytes is never interleaved with another's.
  const std::string line =
      format_record({utc_timestamp_now(), level, phase, safe_message, clean}, state().settings.format) + '\n';
  if (!state().core_ready) {
    std::cerr << line << std::flush;
    return;
  }
  boost::log::sources::severity_logger<Level> logger;
  BOOST_LOG_SEV(logger, level) << line;
}

}  // namespace

void init(LogSettings settings) { state().settings = settings; }

void start_core() {
  if (state().core_ready) return;
  namespace sinks = boost::log::sinks;
  auto backend = boost::make_shared<sinks::text_ostream_backend>();
  backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
  backend->auto_flush(true);
  backend->set_auto_newline_mode(sinks::auto_newline_mode::disabled_auto_newline);  // emit() ends each line
  auto sink = boost::make_shared<sinks::synchronous_sink<sinks::text_ostream_backend>>(backend);
  // Records arrive fully formatted (format_record), so the sink only prints.
  sink->set_formatter(boost::log::expressions::stream << boost::log::expressions::smessage);
  auto core = boost::log::core::get();
  core->remove_all_sinks();
  core->add_sink(sink);
  state().core_ready = true;
}

Redactor& redactor() {
  static Redactor instance;
  return instance;
}

bool enabled(Level level) { return static_cast<int>(level) >= static_cast<int>(state().settings.level); }

void debug(Phase phase, std::string_view message, const Fields& fields) { emit(Level::debug, phase, message, fields); }
void info(Phase phase, std::string_view message, const Fields& fields) { emit(Level::info, phase, message, fields); }
void warn(Phase phase, std::string_view message, const Fields& fields) { emit(Level::warn, phase, message, fields); }
void error(Phase phase, std::string_view message, const Fields& fields) { emit(Level::error, phase, message, fields); }

}  // namespace dbinit::log
