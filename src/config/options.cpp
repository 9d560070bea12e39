#include "config/options.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <sstream>
#include <utility>

#include "core/boolean.hpp"
#include "core/duration.hpp"
#include "core/signal_names.hpp"
#include "core/text.hpp"

namespace dbinit {

namespace po = boost::program_options;

namespace {

enum class Kind { flag, value, list };

// What accepted forms to name when a value is refused; empty: accepted.
using Refusal = std::string;

// The one table behind parsing, environment names, --help and the
// README's option table (test/unit/config/help_test.cpp holds them together).
struct OptionSpec {
  std::string_view name;
  Kind kind;
  std::string_view placeholder;
  std::string_view help;
  std::string_view fallback_env;  // read when DBINIT_<NAME> is unset
  // Sets the option in config from one value (one item, for a list).
  Refusal (*apply)(Config& config, const std::string& value);
  // The default, as --help shows it, read from a default Config.
  std::string (*shown_default)(const Config& defaults);
};

Refusal set_duration(Milliseconds& out, const std::string& value) {
  auto parsed = parse_duration(value);
  if (!parsed) return std::string(duration_forms);
  out = *parsed;
  return {};
}

Refusal set_flag(bool& out, const std::string& value) {
  auto parsed = parse_bool(value);
  if (!parsed) return std::string(bool_forms);
  out = *parsed;
  return {};
}

Refusal set_version(std::optional<long long>& out, const std::string& value) {
  long long version = -1;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), version);
  if (error != std::errc{} || end != value.data() + value.size() || version < 0)
    return "a migration version, a whole number >= 0";
  out = version;
  return {};
}

std::string shown(bool value) { return value ? "true" : "false"; }
std::string shown(Milliseconds value) { return format_duration(value); }

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::automatic: return "auto";
    case Mode::supervise: return "supervise";
    case Mode::exec: return "exec";
  }
  return "auto";
}

const OptionSpec option_specs[] = {
    {"database-url", Kind::value, "URL", "libpq URI or key=value string of the database", "DATABASE_URL",
     [](Config& c, const std::string& v) -> Refusal { c.database.database_url = v; return {}; },
     [](const Config& d) { return d.database.database_url.empty() ? std::string("libpq defaults, PG*") : d.database.database_url; }},
    {"wait-timeout", Kind::value, "DURATION", "total time to wait for the database; 0 waits forever", {},
     [](Config& c, const std::string& v) { return set_duration(c.database.wait_timeout, v); },
     [](const Config& d) { return shown(d.database.wait_timeout); }},
    {"connect-timeout", Kind::value, "DURATION", "time allowed for one connection attempt", {},
     [](Config& c, const std::string& v) { return set_duration(c.database.connect_timeout, v); },
     [](const Config& d) { return shown(d.database.connect_timeout); }},
    {"dead-link-timeout", Kind::value, "DURATION",
     "notice a connection whose packets are dropped within this (TCP keepalives, tcp_user_timeout); 0: the kernel's default", {},
     [](Config& c, const std::string& v) { return set_duration(c.database.dead_link_timeout, v); },
     [](const Config& d) { return shown(d.database.dead_link_timeout); }},
    {"backoff-initial", Kind::value, "DURATION", "first retry delay ceiling (full jitter)", {},
     [](Config& c, const std::string& v) { return set_duration(c.database.backoff.initial, v); },
     [](const Config& d) { return shown(d.database.backoff.initial); }},
    {"backoff-max", Kind::value, "DURATION", "largest retry delay ceiling", {},
     [](Config& c, const std::string& v) { return set_duration(c.database.backoff.max, v); },
     [](const Config& d) { return shown(d.database.backoff.max); }},
    {"skip-wait", Kind::flag, "BOOL", "no retries: one connection attempt if migrations need one, none otherwise", {},
     [](Config& c, const std::string& v) { return set_flag(c.database.skip_wait, v); },
     [](const Config& d) { return shown(d.database.skip_wait); }},
    {"skip-migrations", Kind::flag, "BOOL", "do not apply migrations (the wait still happens)", {},
     [](Config& c, const std::string& v) { return set_flag(c.migrate.skip, v); },
     [](const Config& d) { return shown(d.migrate.skip); }},
    {"migration-url", Kind::value, "URL",
     "direct (unpooled) URL for migrations; derived from the database URL, a Neon '-pooler' host made direct",
     "DATABASE_URL_UNPOOLED",
     [](Config& c, const std::string& v) -> Refusal { c.database.migration_url = v; return {}; },
     [](const Config& d) { return d.database.migration_url.empty() ? std::string("derived") : d.database.migration_url; }},
    {"history-table", Kind::value, "NAME", "migration history table, table or schema.table", {},
     [](Config& c, const std::string& v) -> Refusal {
       auto table = parse_history_table(v);
       if (!table) return std::string(history_table_forms);
       c.migrate.history_table = *table;
       return {};
     },
     [](const Config& d) { return d.migrate.history_table.name; }},
    {"lock-timeout", Kind::value, "DURATION", "how long to wait for another replica's migration lock", {},
     [](Config& c, const std::string& v) { return set_duration(c.migrate.lock_timeout, v); },
     [](const Config& d) { return shown(d.migrate.lock_timeout); }},
    {"ddl-lock-timeout", Kind::value, "DURATION",
     "how long a migration's statement waits for a table lock before it rolls back and tries again (0: no limit)", {},
     [](Config& c, const std::string& v) { return set_duration(c.migrate.table_lock_timeout, v); },
     [](const Config& d) { return shown(d.migrate.table_lock_timeout); }},
    {"target", Kind::value, "VERSION", "migrate up or down to this version (0: everything down)", {},
     [](Config& c, const std::string& v) { return set_version(c.migrate.target, v); },
     [](const Config& d) { return d.migrate.target ? std::to_string(*d.migrate.target) : std::string("newest"); }},
    {"repair", Kind::value, "VERSION", "migrate only: remove the dirty mark of VERSION so it runs again", {},
     [](Config& c, const std::string& v) { return set_version(c.migrate.repair, v); },
     [](const Config& d) { return d.migrate.repair ? std::to_string(*d.migrate.repair) : std::string(); }},
    {"baseline", Kind::value, "VERSION",
     "record versions up to VERSION as applied without running them, on a database dbinit never migrated "
     "(one create_all made), then migrate", {},
     [](Config& c, const std::string& v) { return set_version(c.migrate.baseline, v); },
     [](const Config& d) { return d.migrate.baseline ? std::to_string(*d.migrate.baseline) : std::string(); }},
    {"await-migrations", Kind::flag, "BOOL",
     "migrate nothing: wait until another replica has applied every migration of the set, then start COMMAND "
     "(gives up after --lock-timeout)", {},
     [](Config& c, const std::string& v) { return set_flag(c.migrate.await_migrations, v); },
     [](const Config& d) { return shown(d.migrate.await_migrations); }},
    {"allow-irreversible", Kind::flag, "BOOL",
     "verify only: a version without a down file ends the check of the way back, with exit 0", {},
     [](Config& c, const std::string& v) { return set_flag(c.migrate.allow_irreversible, v); },
     [](const Config& d) { return shown(d.migrate.allow_irreversible); }},
    {"strict", Kind::flag, "BOOL", "refuse a database that has versions newer than dbinit's", {},
     [](Config& c, const std::string& v) { return set_flag(c.migrate.strict, v); },
     [](const Config& d) { return shown(d.migrate.strict); }},
    {"format", Kind::value, "FORMAT", "status only: table, or json (one document for CI jobs and deploy scripts)", {},
     [](Config& c, const std::string& v) -> Refusal {
       if (v == "table") c.migrate.status_format = StatusFormat::table;
       else if (v == "json") c.migrate.status_format = StatusFormat::json;
       else return std::string("table or json");
       return {};
     },
     [](const Config& d) { return std::string(d.migrate.status_format == StatusFormat::json ? "json" : "table"); }},
    {"mode", Kind::value, "MODE", "supervise, exec, or auto (supervise when PID 1, else exec)", {},
     [](Config& c, const std::string& v) -> Refusal {
       for (const Mode mode : {Mode::automatic, Mode::supervise, Mode::exec}) {
         if (v != mode_name(mode)) continue;
         c.supervise.mode = mode;
         return {};
       }
       return "one of auto, supervise, exec";
     },
     [](const Config& d) { return std::string(mode_name(d.supervise.mode)); }},
    {"signal-group", Kind::flag, "BOOL", "forward signals to the command's whole process group (the command always leads its own)", {},
     [](Config& c, const std::string& v) { return set_flag(c.supervise.signal_group, v); },
     [](const Config& d) { return shown(d.supervise.signal_group); }},
    {"stop-grace", Kind::value, "DURATION", "time leftover processes get between SIGTERM and SIGKILL", {},
     [](Config& c, const std::string& v) { return set_duration(c.supervise.stop_grace, v); },
     [](const Config& d) { return shown(d.supervise.stop_grace); }},
    {"signal-map", Kind::list, "FROM:TO", "rewrite a forwarded signal, e.g. TERM:INT (repeatable)", {},
     [](Config& c, const std::string& v) -> Refusal {
       const auto colon = v.find(':');
       std::optional<int> from, to;
       if (colon != std::string::npos) {
         from = parse_signal(std::string_view(v).substr(0, colon));
         to = parse_signal(std::string_view(v).substr(colon + 1));
       }
       if (!from || !to) return "FROM:TO with signal names or numbers, e.g. TERM:INT";
       c.supervise.signal_map.push_back({*from, *to});
       return {};
     },
     [](const Config&) { return std::string(); }},
    {"migrations-dir", Kind::value, "DIR",
     "read the migration set from DIR at start instead of the bundled or compiled-in one; for new: where to write",
     {},
     [](Config& c, const std::string& v) -> Refusal { c.migrate.migrations_dir = v; return {}; },
     [](const Config& d) { return d.migrate.migrations_dir.value_or(""); }},
    {"output", Kind::value, "FILE", "bundle only: the binary to write", {},
     [](Config& c, const std::string& v) -> Refusal { c.output = v; return {}; },
     [](const Config& d) { return d.output; }},
    {"log-level", Kind::value, "LEVEL", "debug, info, warn or error", {},
     [](Config& c, const std::string& v) -> Refusal {
       auto level = log::parse_level(v);
       if (!level) return "one of debug, info, warn, error";
       c.log.level = *level;
       return {};
     },
     [](const Config& d) { return std::string(log::level_name(d.log.level)); }},
    {"log-format", Kind::value, "FORMAT", "text or json", {},
     [](Config& c, const std::string& v) -> Refusal {
       auto format = log::parse_format(v);
       if (!format) return "one of text, json";
       c.log.format = *format;
       return {};
     },
     [](const Config& d) { return std::string(log::format_name(d.log.format)); }},
};

constexpr std::pair<std::string_view, Command> subcommands[] = {
    {"wait", Command::wait},     {"migrate", Command::migrate}, {"status", Command::status},
    {"sql", Command::sql},       {"verify", Command::verify}, {"bundle", Command::bundle},   {"new", Command::new_migration},
    {"lint", Command::lint}};

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
    else if (spec.kind == Kind::list)
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
      const bool is_long = arg.starts_with("--");
      const std::string name = is_long ? arg.substr(2, arg.find('=') - 2) : arg.substr(1, 1);
      const bool has_inline_value = is_long ? arg.find('=') != std::string::npos : arg.size() > 2;
      const auto* option = description.find_nothrow(name, false);
      // lint passes on what dbinit does not read itself (dbinit-lint's
      // --format, --help, ...), each with the word after it when it is one.
      if (split.subcommand == Command::lint && (!option || name == "format" || name == "help" || name == "h")) {
        split.command.push_back(arg);
        if (!has_inline_value && i + 1 < args.size() && !args[i + 1].starts_with("-") &&
            (name == "format" || !option))
          split.command.push_back(args[++i]);
        continue;
      }
      split.options.push_back(arg);
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
    // bundle DIR and new NAME take one word, lint its paths, and all still accept options after them.
    if (split.subcommand == Command::bundle || split.subcommand == Command::new_migration ||
        split.subcommand == Command::lint) {
      split.command.push_back(arg);
      continue;
    }
    split.command.assign(args.begin() + static_cast<long>(i), args.end());
    return split;
  }
  return split;
}

// An option's value(s) and where they came from, for error messages.
struct Value {
  std::vector<std::string> values;
  std::string source;  // "--wait-timeout" or "DBINIT_WAIT_TIMEOUT"
};

// The command line wins over the environment: DBINIT_<NAME>, then the
// documented fallback variable. An empty variable counts as unset, as
// compose files often leave them.
std::optional<Value> value_of(const OptionSpec& spec, const po::variables_map& command_line,
                              const std::map<std::string, std::string>& variables) {
  const std::string key(spec.name);
  if (command_line.count(key)) {
    const auto& any = command_line[key].value();
    if (const auto* list = boost::any_cast<std::vector<std::string>>(&any)) return Value{*list, "--" + key};
    return Value{{boost::any_cast<std::string>(any)}, "--" + key};
  }
  for (const std::string& variable : {env_name(spec.name), std::string(spec.fallback_env)}) {
    const auto found = variables.find(variable);
    if (variable.empty() || found == variables.end() || found->second.empty()) continue;
    Value value{{}, variable};
    if (spec.kind == Kind::list) {
      std::stringstream list(found->second);
      for (std::string item; std::getline(list, item, ',');)
        if (!item.empty()) value.values.push_back(item);
    } else {
      value.values.push_back(found->second);
    }
    return value;
  }
  return std::nullopt;
}

std::string check_consistency(const Config& config) {
  if (config.database.connect_timeout.count() == 0) return "--connect-timeout must be greater than 0";
  if (config.database.backoff.initial.count() == 0) return "--backoff-initial must be greater than 0";
  if (config.database.backoff.max < config.database.backoff.initial)
    return "--backoff-max must be at least --backoff-initial";
  if (config.migrate.repair && config.command != Command::migrate)
    return "--repair VERSION is only accepted by 'dbinit migrate'";
  if (config.migrate.repair && config.migrate.target) return "--repair and --target cannot be combined";
  if (config.migrate.baseline &&
      (config.command == Command::wait || config.command == Command::status || config.command == Command::bundle ||
       config.command == Command::new_migration || config.command == Command::lint || config.command == Command::version))
    return "--baseline VERSION is only accepted where migrations are applied: 'dbinit migrate', 'dbinit sql', "
           "or 'dbinit -- COMMAND'";
  if (config.migrate.baseline && (config.migrate.repair || config.migrate.target))
    return "--baseline cannot be combined with --repair or --target";
  if (config.migrate.await_migrations && config.command != Command::run)
    return "--await-migrations is only accepted by 'dbinit -- COMMAND' (a replica that waits for another's migrations)";
  if (config.migrate.await_migrations && (config.migrate.skip || config.migrate.target || config.migrate.baseline))
    return "--await-migrations cannot be combined with --skip-migrations, --target or --baseline: it migrates nothing";
  if (config.migrate.allow_irreversible && config.command != Command::verify)
    return "--allow-irreversible is only accepted by 'dbinit verify'";
  if (config.command == Command::verify && (config.migrate.target || config.migrate.baseline))
    return "'dbinit verify' takes every migration up and down: --target and --baseline do not apply";
  if (!config.output.empty() && config.command != Command::bundle) return "--output FILE is only accepted by 'dbinit bundle'";
  if (config.migrate.status_format != StatusFormat::table && config.command != Command::status)
    return "--format is only accepted by 'dbinit status'";
  switch (config.command) {
    case Command::run:
      if (config.command_argv.empty())
        return "no command given; usage: dbinit [OPTIONS] [--] COMMAND [ARGS...] "
               "(or dbinit wait|migrate|status|sql|verify|bundle|new|lint)";
      return {};
    case Command::bundle:
      if (config.command_argv.size() != 1 || config.output.empty())
        return "usage: dbinit bundle DIR --output FILE";
      return {};
    case Command::new_migration:
      if (config.command_argv.size() != 1) return "usage: dbinit new NAME [--migrations-dir DIR]";
      return {};
    case Command::lint: return {};  // dbinit-lint reads its own arguments
    default:
      if (!config.command_argv.empty())
        return "unexpected argument '" + config.command_argv.front() + "' after the subcommand";
      return {};
  }
}

ParseOutcome usage_error(std::string message) {
  ParseOutcome outcome;
  // An error is one line: control characters in a quoted value are escaped.
  outcome.error = "dbinit: " + printable(message) + " (see dbinit --help)";
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

  std::map<std::string, std::string> variables;
  for (const auto& entry : env) {
    const auto equals = entry.find('=');
    if (equals != std::string::npos) variables.emplace(entry.substr(0, equals), entry.substr(equals + 1));
  }
  ParseOutcome outcome;
  for (const auto& entry : variables) {
    const std::string& variable = entry.first;  // not a structured binding: clang 14 cannot capture one
    if (!variable.starts_with("DBINIT_")) continue;
    const bool known = std::any_of(std::begin(option_specs), std::end(option_specs),
                                   [&](const auto& spec) { return env_name(spec.name) == variable; });
    if (!known) outcome.warnings.push_back("ignoring unknown environment variable " + variable);
  }

  Config config;
  // --version describes the migration set too, which options may point at.
  config.command = command_line.count("version") ? Command::version : split.subcommand.value_or(Command::run);
  config.command_argv = std::move(split.command);
  for (const auto& spec : option_specs) {
    const auto value = value_of(spec, command_line, variables);
    if (!value) continue;
    for (const auto& item : value->values)
      if (Refusal accepted = spec.apply(config, item); !accepted.empty())
        return usage_error("invalid value '" + item + "' for " + value->source + ": expected " + accepted);
  }
  if (auto error = check_consistency(config); !error.empty()) return usage_error(std::move(error));
  outcome.config = std::move(config);
  return outcome;
}

std::string help_text() {
  const Config defaults;
  std::ostringstream out;
  out << "Usage: dbinit [OPTIONS] [--] COMMAND [ARGS...]  wait for PostgreSQL, migrate, then run COMMAND\n"
         "       dbinit wait [OPTIONS]                    only wait until the database answers\n"
         "       dbinit migrate [OPTIONS]                 wait and migrate (--target V, --repair V), then exit\n"
         "       dbinit status [OPTIONS]                  list embedded and applied migrations (--format json)\n"
         "       dbinit sql [OPTIONS]                     print the SQL that migrate would run\n"
         "       dbinit verify [OPTIONS]                  on a scratch database: every migration up, down and up again,\n"
         "                                                the schema compared each time\n"
         "       dbinit bundle DIR --output FILE          write a copy of dbinit carrying DIR's migrations\n"
         "       dbinit new NAME [--migrations-dir DIR]   write the next NNNN_NAME.up.sql and .down.sql (DIR: sql)\n"
         "       dbinit lint [OPTIONS] [PATH...]          what in the migrations would hurt a live table (dbinit-lint --help)\n"
         "\n"
         "Every option can also be set by the environment variable shown; the command line wins.\n"
         "Durations: 250ms, 5s, 2m, 1h (a bare number means seconds). Booleans: 1/0, true/false, yes/no, on/off.\n"
         "\n";
  for (const auto& spec : option_specs) {
    std::string left = "  --" + std::string(spec.name) + " " + std::string(spec.placeholder);
    if (spec.kind == Kind::flag) left = "  --" + std::string(spec.name) + "[=BOOL]";
    out << left << std::string(left.size() < 32 ? 32 - left.size() : 1, ' ') << spec.help;
    if (const auto shown_default = spec.shown_default(defaults); !shown_default.empty())
      out << " (default: " << shown_default << ")";
    out << "\n" << std::string(32, ' ') << "env: " << env_name(spec.name);
    if (!spec.fallback_env.empty()) out << ", then " << spec.fallback_env;
    if (spec.kind == Kind::list) out << " (comma-separated)";
    out << "\n";
  }
  out << "  -h, --help                    show this help\n"
         "  -v, --version                 show the version, the built-in CAs and the migration set\n"
         "\n"
         "Exit codes: 0 success (or COMMAND's own code), 1 status: migrations pending (lint: findings), 2 usage\n"
         "or configuration error, 3 database not reachable, 4 migration failed, 5 migration lock timeout, 6 applied migrations\n"
         "differ from embedded ones, 70 internal error (the system refused a fork, signal set-up or memory),\n"
         "126 command not executable, 127 command not found, 128+N stopped by signal N.\n";
  return out.str();
}

}  // namespace dbinit
