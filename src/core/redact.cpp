#include "core/redact.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace dbinit {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.size() - at >= prefix.size() && lower(text.substr(at, prefix.size())) == prefix;
}

// user:password@ after postgres:// or postgresql://; the user part cannot
// contain ':' '@' '/' or blanks, the password neither '@' nor blanks. Where
// the password ends (its '@', which stays), 0 when there is none at `at`.
std::size_t uri_password_at(std::string_view text, std::size_t at, std::size_t& password_start) {
  std::size_t i = at;
  if (starts_with_ignoring_case(text, at, "postgresql://")) i += 13;
  else if (starts_with_ignoring_case(text, at, "postgres://")) i += 11;
  else return 0;
  while (i < text.size() && text[i] != ':' && text[i] != '@' && text[i] != '/' && !is_space(text[i])) ++i;
  if (i == text.size() || text[i] != ':') return 0;
  password_start = ++i;
  while (i < text.size() && text[i] != '@' && !is_space(text[i])) ++i;
  return i < text.size() && text[i] == '@' ? i : 0;
}

// password=value as a whole word, blanks around '=' allowed: a quoted value
// (backslash escapes, the first unescaped quote ends it) or else a bare one
// (up to a blank or '&'). Where the value ends, 0 when there is none at `at`.
std::size_t keyword_password_at(std::string_view text, std::size_t at, std::size_t& value_start) {
  if (at > 0 && is_word_character(text[at - 1])) return 0;
  if (!starts_with_ignoring_case(text, at, "password")) return 0;
  std::size_t i = at + 8;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i == text.size() || text[i] != '=') return 0;
  ++i;
  while (i < text.size() && is_space(text[i])) ++i;
  value_start = i;
  if (i < text.size() && text[i] == '\'') {
    for (std::size_t j = i + 1; j < text.size(); ++j) {
      if (text[j] == '\'') return j + 1;
      if (text[j] == '\\') {
        // An escape takes any next character but a line break.
        if (j + 1 == text.size() || text[j + 1] == '\n' || text[j + 1] == '\r') break;
        ++j;
      }
    }
  }
  while (i < text.size() && text[i] != '&' && !is_space(text[i])) ++i;
  return i > value_start ? i : 0;
}

// Every match of `secret_at` in text, leftmost first and never overlapping,
// with its secret part (from secret_start to the match's end) replaced.
using SecretMatcher = std::size_t (*)(std::string_view text, std::size_t at, std::size_t& secret_start);
std::string replace_secrets(std::string_view text, SecretMatcher secret_at) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t secret_start = 0;
    if (const auto end = secret_at(text, at, secret_start)) {
      out.append(text.substr(at, secret_start - at)).append(redacted);
      at = end;
    } else {
      out += text[at++];
    }
  }
  return out;
}

// A very short password ("pw") would otherwise shred ordinary words in every
// message ("database"); those are replaced only where they stand alone.
void replace_all(std::string& text, std::string_view needle) {
  const bool whole_words_only = needle.size() < 6;
  for (auto at = text.find(needle); at != std::string::npos;) {
    if (whole_words_only && !stands_alone(text, at, needle.size())) {
      at = text.find(needle, at + 1);
      continue;
    }
    text.replace(at, needle.size(), redacted);
    at = text.find(needle, at + redacted.size());
  }
}

}  // namespace

std::string redact_connection_patterns(std::string_view text) {
  // Most lines name no connection string: skip the scanning for them.
  const std::string lowered = lower(text);
  if (lowered.find("://") == std::string::npos && lowered.find("password") == std::string::npos)
    return std::string(text);
  return replace_secrets(replace_secrets(text, uri_password_at), keyword_password_at);
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.empty() || std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.emplace_back(secret);
  // Longest first, so a password that contains another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
  std::string out = redact_connection_patterns(text);
  for (const auto& secret : secrets_) replace_all(out, secret);
  return out;
}

}  // namespace dbinit
