#include "migration_set/placeholders.hpp"

#include <algorithm>
#include <cctype>

namespace dbinit {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// One ${...} at text[at] ("${" already seen): its name, its default, where it ends.
struct Placeholder {
  std::string name;
  std::optional<std::string> fallback;
  std::size_t end = 0;  // one past '}'
};

// nullopt when it is not NAME or NAME:-default followed by '}' on the same line.
std::optional<Placeholder> read_placeholder(std::string_view text, std::size_t at) {
  std::size_t i = at + 2;
  if (i >= text.size() || !is_name_start(text[i])) return std::nullopt;
  Placeholder found;
  while (i < text.size() && is_name_char(text[i])) found.name += text[i++];
  if (text.substr(i, 2) == ":-") {
    const auto close = text.find_first_of("}\n", i + 2);
    if (close == std::string_view::npos || text[close] != '}') return std::nullopt;
    found.fallback = std::string(text.substr(i + 2, close - i - 2));
    i = close;
  }
  if (i >= text.size() || text[i] != '}') return std::nullopt;
  found.end = i + 1;
  return found;
}

std::size_t line_at(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Walks the text, handing each placeholder to replace; $${ is a literal ${.
template <typename Replace>
std::string rewrite(std::string_view text, Replace replace, std::string& error) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out += text[i++];
      continue;
    }
    const auto placeholder = read_placeholder(text, i);
    if (!placeholder) {
      error = std::to_string(line_at(text, i)) + ": malformed placeholder: expected ${NAME} or ${NAME:-default} "
              "(NAME: a letter or _, then letters, digits or _), or $${ for a literal ${";
      return {};
    }
    if (!replace(*placeholder, line_at(text, i), out, error)) return {};
    i = placeholder->end;
  }
  return out;
}

}  // namespace

bool uses_placeholders(std::string_view sql) {
  while (!sql.empty()) {
    std::string_view line = sql.substr(0, sql.find('\n'));
    if (!line.starts_with("-- dbinit:")) return false;
    const auto last = line.find_last_not_of(" \t\r");
    if (line.substr(0, last + 1) == placeholders_directive) return true;
    if (line.size() == sql.size()) return false;
    sql.remove_prefix(line.size() + 1);
  }
  return false;
}

bool is_secret_placeholder(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string_view word : {"PASSWORD", "SECRET", "TOKEN"})
    if (upper.find(word) != std::string::npos) return true;
  return false;
}

Substitution substitute_placeholders(std::string_view file_name, std::string_view sql, const VariableLookup& lookup,
                                     PlaceholderUse use) {
  Substitution result;
  const auto replace = [&](const Placeholder& placeholder, std::size_t line, std::string& out, std::string& error) {
    std::optional<std::string> value = lookup(placeholder.name);
    if (value && value->empty()) value.reset();
    if (!value) value = placeholder.fallback;
    if (!value) {
      error = std::to_string(line) + ": placeholder ${" + placeholder.name + "} has no value: set " + placeholder.name +
              " in the environment, or give a default as ${" + placeholder.name + ":-value}";
      return false;
    }
    const bool secret = is_secret_placeholder(placeholder.name);
    if (secret && !value->empty()) result.secret_values.push_back(*value);
    out += secret && use == PlaceholderUse::show ? ":'" + placeholder.name + "'" : *value;
    return true;
  };
  std::string error;
  result.sql = rewrite(sql, replace, error);
  if (!error.empty()) result.error = std::string(file_name) + ":" + error;
  return result;
}

Substitution fill_placeholders(std::vector<Migration>& migrations, const VariableLookup& lookup, PlaceholderUse use) {
  Substitution all;
  for (auto& migration : migrations) {
    for (MigrationScript* script : {&migration.up, migration.down ? &*migration.down : nullptr}) {
      if (!script || !uses_placeholders(script->sql)) continue;
      Substitution one = substitute_placeholders(script->file_name, script->sql, lookup, use);
      all.secret_values.insert(all.secret_values.end(), one.secret_values.begin(), one.secret_values.end());
      if (!one.error.empty()) {
        all.error = std::move(one.error);
        return all;
      }
      script->sql = std::move(one.sql);
    }
  }
  return all;
}

std::string with_neutral_placeholders(std::string_view sql) {
  if (!uses_placeholders(sql)) return std::string(sql);
  const auto replace = [](const Placeholder& placeholder, std::size_t, std::string& out, std::string&) {
    out += placeholder.fallback ? *placeholder.fallback : "dbinit_placeholder_" + placeholder.name;
    return true;
  };
  std::string error;
  std::string out = rewrite(sql, replace, error);
  return error.empty() ? out : std::string(sql);
}

}  // namespace dbinit
