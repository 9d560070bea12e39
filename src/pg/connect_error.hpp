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

// What the wait phase knows of the connection that failed.
struct ConnectContext {
  // sslnegotiation=direct was asked for, so a handshake cut short or answered
  // with garbage means a server or proxy that does not take direct TLS,
  // which no retry changes.
  bool direct_tls = false;
  // Every host is a Neon host, so the words are those of Neon's proxy, which
  // answers an endpoint that does not exist as it answers a wrong password.
  bool neon_proxy = false;
};

FailureClass classify_connect_error(std::string_view message, ConnectContext context = {});

}  // namespace dbinit
