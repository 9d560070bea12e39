#pragma once
// Which connection failures are worth retrying. Pure: takes libpq's (or the
// server's, or Neon's proxy's) message text and says transient or fatal.
// libpq exposes no SQLSTATE for startup failures, so the text is all there is.
#include <string_view>

namespace dbinit {

enum class FailureKind { transient, fatal };

struct FailureClass {
  FailureKind kind;
  std::string_view reason;  // short label for logs, e.g. "authentication failed"
};

// `direct_tls`: the connection asked for sslnegotiation=direct, so a
// handshake cut short or answered with garbage means a server or proxy that
// does not take direct TLS, which no retry changes.
FailureClass classify_connect_error(std::string_view message, bool direct_tls = false);

}  // namespace dbinit
