#include "options.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <sstream>
#include <utility>

#include "signal_names.hpp"

namespace dbinit {

namespace po = boost::program_options;

namespace {

enum class Kind { flag, duration, text, version, choice, signal_list };

// The one table behind parsing, environment names and --help.
struct OptionSpec {
  std::string_view name;
  Kind kind;
  std::string_view placeholder;
  std::string_view default_text;
  std::string_view help;
  std::string_view fallback_env = {};  // read when DBINIT_<NAME> is unset
};

constexpr OptionSpec option_specs[] = {
    {"database-url", Kind::text, "URL", "PG* variables",
     "libpq URI or key=value string of the database", "DATABASE_URL"},
    {"wait-timeout", Kind::duration, "DURATION", "60s", "total time to wait for the database; 0 waits forever"},
    {"connect-timeout", Kind::duration, "DURATION", "5s", "time allowed for one connection attempt"},
    {"backoff-initial", Kind::duration, "DURATION", "200ms", "first retry delay ceiling (full jitter)"},
    {"backoff-max", Kind::duration, "DURATION", "5s", "largest retry delay ceiling"},
    {"skip-wait", Kind::flag, "BOOL", "false", "do not wait for the database"},
    {"skip-migrations", Kind::flag, "BOOL", "false", "do not apply migrations"},
    {"migration-url", Kind::text, "URL", "",
     "direct (unpooled) URL for migrations; default: DATABASE_URL with a Neon '-pooler' host made direct",
     "DATABASE_URL_UNPOOLED"},
    {"history-table", Kind::text, "NAME", "dbinit_schema_history", "migration history table, may be schema.table"},
    {"lock-timeout", Kind::duration, "DURATION", "5m", "how long to wait for another replica's migration lock"},
    {"target", Kind::version, "VERSION", "latest", "migrate up or down to this version"},
    {"repair", Kind::version, "VERSION", "", "migrate only: clear the dirty mark of VERSION after checking by hand"},
    {"strict", Kind::flag, "BOOL", "false", "fail when the database has versions newer than dbinit's"},
    {"mode", Kind::choice, "MODE", "auto", "supervise, exec, or auto (supervise when PID 1)"},
    {"signal-group", Kind::flag, "BOOL", "false", "forward signals to the command's whole process group"},
    {"stop-grace", Kind::duration, "DURATION", "5s", "time leftover processes get between SIGTERM and SIGKILL"},
    {"signal-map", Kind::signal_list, "FROM:TO", "", "rewrite a forwarded signal, e.g. TERM:INT (repeatable)"},
    {"log-level", Kind::choice, "LEVEL", "info", "debug, info, warn or error"},
    {"log-format", Kind::choice, "FORMAT", "text", "text or json"},
};

constexpr std::pair<std::string_view, Command> subcommands[] = {
    {"wait", Command::wait}, {"migrate", Command::migrate}, {"status", Command::status}, {"sql", Command::sql}};

std::string env_name(std::string_view option) {
  std::string out = "DBINIT_";
  for (char c : option) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

po::options_description make_description() {
  po::options_description description;
  description.add_options()("help,h", "")("version,v", "");
  for (const auto& spec : option_specs) {
    const std::string name(spec.name);
    if (spec.kind == Kind::flag)
      description.add_options()(name.c_str(), po::value<std::string>()->implicit_value("true"), "");
    else if (spec.kind == Kind::signal_list)
      description.add_options()(name.c_str(), po::value<std::vector<std::string>>()->composing(), "");
    else
      description.add_options()(name.c_str(), po::value<std::string>(), "");
  }
  return description;
}

// Splits argv into dbinit's own option tokens, a subcommand and COMMAND.
// dbinit's options end at "--" or at the first word that is not an option,
// so the command's own options are never taken for dbinit's.
struct SplitArgs {
  std::vector<std::string> options;
  std::optional<Command> subcommand;
  std::vector<std::string> command;
  std::string error;
};

SplitArgs split_arguments(const std::vector<std::string>& args, const po::options_description& description) {
  SplitArgs split;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      split.command.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return split;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      split.options.push_back(arg);
      const bool is_long = arg.starts_with("--");
      const std::string name = is_long ? arg.substr(2, arg.find('=') - 2) : arg.substr(1, 1);
      const bool has_inline_value = is_long ? arg.find('=') != std::string::npos : arg.size() > 2;
      const auto* option = description.find_nothrow(name, false);
      if (option && !has_inline_value && option->semantic()->min_tokens() > 0 && i + 1 < args.size())
        split.options.push_back(args[++i]);
      continue;
    }
    const auto known = std::find_if(std::begin(subcommands), std::end(subcommands),
                                    [&](const auto& subcommand) { return subcommand.first == arg; });
    if (!split.subcommand && split.command.empty() && known != std::end(subcommands) && split.options.size() == i) {
      // Only the first word may name a subcommand; "dbinit -- wait" runs a program called wait.
      split.subcommand = known->second;
      continue;
    }
    split.command.assign(args.begin() + static_cast<long>(i), args.end());
    return split;
  }
  return split;
}

struct Value {
  std::vector<std::string> values;
  std::string source;  // "--wait-timeout" or "DBINIT_WAIT_TIMEOUT"
};

class Sources {
 public:
  Sources(po::variables_map command_line, std::map<std::string, Value> environment)
      : command_line_(std::move(command_line)), environment_(std::move(environment)) {}

  std::optional<Value> get(std::string_view name) const {
    const std::string key(name);
    if (command_line_.count(key)) {
      const auto& any = command_line_[key].value();
      if (const auto* list = boost::any_cast<std::vector<std::string>>(&any)) return Value{*list, "--" + key};
      return Value{{boost::any_cast<std::string>(any)}, "--" + key};
    }
    if (auto found = environment_.find(key); found != environment_.end()) return found->second;
    return std::nullopt;
  }

 private:
  po::variables_map command_line_;
  std::map<std::string, Value> environment_;
};

std::string invalid(const Value& value, std::string_view accepted) {
  return "invalid value '" + value.values.front() + "' for " + value.source + ": expected " + std::string(accepted);
}

std::optional<long long> parse_version(std::string_view text) {
  long long version = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc{} || end != text.data() + text.size() || version < 0) return std::nullopt;
  return version;
}

// Applies every option that is set to config; returns the first error.
std::string apply_values(const Sources& sources, Config& config) {
  auto duration = [&](std::string_view name, Milliseconds& out) -> std::string {
    if (auto value = sources.get(name)) {
      auto parsed = parse_duration(value->values.front());
      if (!parsed) return invalid(*value, duration_forms);
      out = *parsed;
    }
    return {};
  };
  auto flag = [&](std::string_view name, bool& out) -> std::string {
    if (auto value = sources.get(name)) {
      auto parsed = parse_bool(value->values.front());
      if (!parsed) return invalid(*value, bool_forms);
      out = *parsed;
    }
    return {};
  };
  auto text = [&](std::string_view name, std::string& out) -> std::string {
    if (auto value = sources.get(name)) out = value->values.front();
    return {};
  };
  auto version = [&](std::string_view name, std::optional<long long>& out) -> std::string {
    if (auto value = sources.get(name)) {
      out = parse_version(value->values.front());
      if (!out) return invalid(*value, "a migration version, a whole number >= 0");
    }
    return {};
  };
  for (auto error : {
           text("database-url", config.database_url),
           duration("wait-timeout", config.wait_timeout),
           duration("connect-timeout", config.connect_timeout),
           duration("backoff-initial", config.backoff_initial),
           duration("backoff-max", config.backoff_max),
           flag("skip-wait", config.skip_wait),
           flag("skip-migrations", config.skip_migrations),
           text("migration-url", config.migration_url),
           text("history-table", config.history_table),
           duration("lock-timeout", config.lock_timeout),
           version("target", config.target),
           version("repair", config.repair),
           flag("strict", config.strict),
           flag("signal-group", config.signal_group),
           duration("stop-grace", config.stop_grace),
       })
    if (!error.empty()) return error;

  if (auto value = sources.get("mode")) {
    const auto& mode = value->values.front();
    if (mode == "auto") config.mode = Mode::automatic;
    else if (mode == "supervise") config.mode = Mode::supervise;
    else if (mode == "exec") config.mode = Mode::exec;
    else return invalid(*value, "one of auto, supervise, exec");
  }
  if (auto value = sources.get("log-level")) {
    auto level = log::parse_level(value->values.front());
    if (!level) return invalid(*value, "one of debug, info, warn, error");
    config.log_level = *level;
  }
  if (auto value = sources.get("log-format")) {
    auto format = log::parse_format(value->values.front());
    if (!format) return invalid(*value, "one of text, json");
    config.log_format = *format;
  }
  if (auto value = sources.get("signal-map")) {
    for (const auto& mapping : value->values) {
      const auto colon = mapping.find(':');
      std::optional<int> from, to;
      if (colon != std::string::npos) {
        from = parse_signal(std::string_view(mapping).substr(0, colon));
        to = parse_signal(std::string_view(mapping).substr(colon + 1));
      }
      if (!from || !to)
        return "invalid value '" + mapping + "' for " + value->source +
               ": expected FROM:TO with signal names or numbers, e.g. TERM:INT";
      config.signal_map.push_back({*from, *to});
    }
  }
  return {};
}

std::string check_consistency(const Config& config) {
  if (config.connect_timeout.count() == 0) return "--connect-timeout must be greater than 0";
  if (config.backoff_initial.count() == 0) return "--backoff-initial must be greater than 0";
  if (config.backoff_max < config.backoff_initial) return "--backoff-max must be at least --backoff-initial";
  if (config.history_table.empty()) return "--history-table must not be empty";
  if (config.repair && config.command != Command::migrate)
    return "--repair VERSION is only accepted by 'dbinit migrate'";
  if (config.repair && config.target) return "--repair and --target cannot be combined";
  if (config.command == Command::run && config.command_argv.empty())
    return "no command given; usage: dbinit [OPTIONS] [--] COMMAND [ARGS...] (or dbinit wait|migrate|status|sql)";
  if (config.command != Command::run && !config.command_argv.empty())
    return "unexpected argument '" + config.command_argv.front() + "' after the subcommand";
  return {};
}

ParseOutcome usage_error(std::string message) {
  ParseOutcome outcome;
  outcome.error = "dbinit: " + std::move(message) + " (see dbinit --help)";
  outcome.exit_code = ExitCode::usage;
  return outcome;
}

}  // namespace

ParseOutcome parse_options(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  const auto description = make_description();
  SplitArgs split = split_arguments(args, description);

  po::variables_map command_line;
  try {
    const auto style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(split.options).options(description).style(style).run(), command_line);
  } catch (const po::error& error) {
    return usage_error(error.what());
  }
  if (command_line.count("help")) return {std::nullopt, help_text(), {}, {}, ExitCode::ok};
  if (command_line.count("version")) return {std::nullopt, "dbinit " DBINIT_VERSION "\n", {}, {}, ExitCode::ok};

  // Environment: DBINIT_<NAME> first, then a documented fallback variable.
  // An empty variable counts as unset, as compose files often leave them.
  std::map<std::string, std::string> variables;
  for (const auto& entry : env) {
    const auto equals = entry.find('=');
    if (equals != std::string::npos) variables.emplace(entry.substr(0, equals), entry.substr(equals + 1));
  }
  std::map<std::string, Value> environment;
  std::vector<std::string> warnings;
  for (const auto& spec : option_specs) {
    for (const std::string& variable : {env_name(spec.name), std::string(spec.fallback_env)}) {
      auto found = variables.find(variable);
      if (variable.empty() || found == variables.end() || found->second.empty()) continue;
      Value value{{found->second}, variable};
      if (spec.kind == Kind::signal_list) {
        value.values.clear();
        std::stringstream list(found->second);
        for (std::string item; std::getline(list, item, ',');)
          if (!item.empty()) value.values.push_back(item);
      }
      environment.emplace(std::string(spec.name), std::move(value));
      break;
    }
  }
  for (const auto& [variable, value] : variables) {
    if (!variable.starts_with("DBINIT_")) continue;
    const bool known = std::any_of(std::begin(option_specs), std::end(option_specs),
                                   [&](const auto& spec) { return env_name(spec.name) == variable; });
    if (!known) warnings.push_back("ignoring unknown environment variable " + variable);
  }

  Config config;
  config.command = split.subcommand.value_or(Command::run);
  config.command_argv = std::move(split.command);
  if (auto error = apply_values(Sources(std::move(command_line), std::move(environment)), config); !error.empty())
    return usage_error(std::move(error));
  if (auto error = check_consistency(config); !error.empty()) return usage_error(std::move(error));
  ParseOutcome outcome;
  outcome.config = std::move(config);
  outcome.warnings = std::move(warnings);
  return outcome;
}

std::string help_text() {
  std::ostringstream out;
  out << "Usage: dbinit [OPTIONS] [--] COMMAND [ARGS...]  wait for PostgreSQL, migrate, then run COMMAND\n"
         "       dbinit wait [OPTIONS]                    only wait until the database answers\n"
         "       dbinit migrate [OPTIONS]                 wait and migrate (--target V, --repair V), then exit\n"
         "       dbinit status [OPTIONS]                  list embedded and applied migrations\n"
         "       dbinit sql [OPTIONS]                     print the SQL that migrate would run\n"
         "\n"
         "Every option can also be set by the environment variable shown; the command line wins.\n"
         "Durations: 250ms, 5s, 2m, 1h (a bare number means seconds). Booleans: 1/0, true/false, yes/no, on/off.\n"
         "\n";
  for (const auto& spec : option_specs) {
    std::string left = "  --" + std::string(spec.name) + " " + std::string(spec.placeholder);
    if (spec.kind == Kind::flag) left = "  --" + std::string(spec.name) + "[=BOOL]";
    out << left << std::string(left.size() < 32 ? 32 - left.size() : 1, ' ') << spec.help;
    if (!spec.default_text.empty()) out << " (default: " << spec.default_text << ")";
    out << "\n" << std::string(32, ' ') << "env: " << env_name(spec.name);
    if (!spec.fallback_env.empty()) out << ", then " << spec.fallback_env;
    out << "\n";
  }
  out << "  -h, --help                    show this help\n"
         "  -v, --version                 show the version\n"
         "\n"
         "Exit codes: 0 success (or COMMAND's own code), 1 status: migrations pending, 2 usage or configuration\n"
         "error, 3 database not reachable, 4 migration failed, 5 migration lock timeout, 6 applied migrations\n"
         "differ from embedded ones, 126 command not executable, 127 command not found, 128+N stopped by signal N.\n";
  return out.str();
}

}  // namespace dbinit
