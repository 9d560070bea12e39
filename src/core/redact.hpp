#pragma once
// Passwords must never reach a log line or an error message. Redaction works
// two ways: passwords dbinit knows about (from the connection strings, see
// pg/conninfo.hpp, and PGPASSWORD) are replaced wherever they appear, and
// anything shaped like a password in a URI or key=value string is replaced too.
#include <string>
#include <string_view>
#include <vector>

namespace dbinit {

inline constexpr std::string_view redacted = "********";

class Redactor {
 public:
  void add_secret(std::string_view secret);
  std::string apply(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
};

// Pattern-only redaction: "postgresql://user:pw@host" and "password=pw".
std::string redact_connection_patterns(std::string_view text);

}  // namespace dbinit
