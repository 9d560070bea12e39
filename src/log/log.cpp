#include "log/log.hpp"

#include <unistd.h>

#include <boost/log/core.hpp>
#include <boost/log/expressions/message.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/smart_ptr/make_shared_object.hpp>

#include "core/write_all.hpp"

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

// Each record's message is a whole line (emit() formats it), which this
// backend writes to stderr as it is, with one write(2). Boost.Log's
// text_ostream_backend and its formatter would add nothing but code.
class StderrLines : public boost::log::sinks::basic_sink_backend<boost::log::sinks::synchronized_feeding> {
 public:
  void consume(const boost::log::record_view& record) {
    if (const auto line = record[boost::log::expressions::smessage]) write_all(STDERR_FILENO, *line);
  }
};

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
      format_record({.timestamp = utc_timestamp_now(),
                     .level = level,
                     .phase = phase,
                     .message = safe_message,
                     .fields = clean},
                    state().settings.format) + '\n';
  if (!state().core_ready) {
    write_all(STDERR_FILENO, line);
    return;
  }
  boost::log::sources::severity_logger<Level> logger;
  BOOST_LOG_SEV(logger, level) << line;
}

}  // namespace

void init(LogSettings settings) { state().settings = settings; }

void start_core() {
  if (state().core_ready) return;
  auto sink = boost::make_shared<boost::log::sinks::synchronous_sink<StderrLines>>();
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
