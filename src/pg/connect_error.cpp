#include "pg/connect_error.hpp"

#include <string>

#include "core/text.hpp"

namespace dbinit {

namespace {

struct Pattern {
  std::string_view needle;  // lower case
  FailureKind kind;
  std::string_view reason;
};

// Fatal first: a message can mention both (Neon wraps errors in others).
constexpr Pattern patterns[] = {
    {"password authentication failed", FailureKind::fatal, "authentication failed"},
    {"authentication failed", FailureKind::fatal, "authentication failed"},
    {"no password supplied", FailureKind::fatal, "no password supplied"},
    {"role \"", FailureKind::fatal, "no such role"},  // role "x" does not exist
    {"database \"", FailureKind::fatal, "no such database"},  // database "x" does not exist
    {"no pg_hba.conf entry", FailureKind::fatal, "connection rejected by pg_hba.conf"},
    {"certificate verify failed", FailureKind::fatal, "TLS certificate verification failed"},
    {"server certificate for", FailureKind::fatal, "TLS certificate does not match the host"},
    {"does not match host name", FailureKind::fatal, "TLS certificate does not match the host"},
    {"root certificate file", FailureKind::fatal, "TLS root certificate missing"},
    {"could not read root certificate", FailureKind::fatal, "TLS root certificate unreadable"},
    {"ssl is not enabled on the server", FailureKind::fatal, "server does not offer TLS"},
    {"server does not support ssl", FailureKind::fatal, "server does not offer TLS"},
    {"invalid connection option", FailureKind::fatal, "invalid connection string"},
    {"invalid uri", FailureKind::fatal, "invalid connection string"},
    {"missing \"=\" after", FailureKind::fatal, "invalid connection string"},
    {"invalid sslmode value", FailureKind::fatal, "invalid connection string"},
    {"invalid port number", FailureKind::fatal, "invalid connection string"},
    {"invalid integer value", FailureKind::fatal, "invalid connection string"},
    {"could not look up local user id", FailureKind::fatal,
     "no database user given and the current user ID has no name here (no /etc/passwd entry): "
     "put the user in DATABASE_URL or set PGUSER"},
    {"endpoint is disabled", FailureKind::fatal, "Neon endpoint is disabled"},
    {"endpoint cannot be found", FailureKind::fatal, "Neon endpoint not found"},
    {"endpoint id is not specified", FailureKind::fatal, "Neon endpoint not specified"},
    {"project name is not specified", FailureKind::fatal, "Neon endpoint not specified"},
    // Neon's proxy refuses a connection without TLS; sslmode=prefer would
    // have used TLS, so this is sslmode=disable or allow.
    {"connection is insecure", FailureKind::fatal,
     "Neon requires TLS: set sslmode=require (or verify-full) in the database URL"},
    {"inconsistent project name inferred from sni", FailureKind::fatal,
     "the endpoint named in options= is not the host's: remove options=endpoint=... from the database URL"},
    {"inconsistently formatted with respect to common name", FailureKind::fatal,
     "the host name is not a Neon endpoint's (ep-NAME.REGION.aws.neon.tech)"},
    {"must contain only alphanumeric characters", FailureKind::fatal,
     "the Neon endpoint id in the host name is malformed"},
    // PgBouncer (Neon's -pooler host) passes only a few startup parameters.
    {"unsupported startup parameter", FailureKind::fatal,
     "the pooler refuses a startup parameter of the database URL (PgBouncer passes few, options= not among "
     "them): remove it, or use the direct host"},
    {"exceeded the compute time quota", FailureKind::fatal, "Neon quota exceeded"},
    {"exceeded the data transfer quota", FailureKind::fatal, "Neon quota exceeded"},
    {"exceeded quota", FailureKind::fatal, "Neon quota exceeded"},
    {"quota exceeded", FailureKind::fatal, "Neon quota exceeded"},
    {"couldn't connect to compute node", FailureKind::transient, "Neon compute waking up"},
    {"too many connections attempts", FailureKind::transient, "Neon proxy rate limit"},
    {"failed to acquire permit to connect", FailureKind::transient, "Neon proxy busy"},
    {"the database system is starting up", FailureKind::transient, "database starting up"},
    {"the database system is shutting down", FailureKind::transient, "database shutting down"},
    {"the database system is in recovery mode", FailureKind::transient, "database in recovery"},
    {"the database system is not yet accepting connections", FailureKind::transient, "database starting up"},
    {"too many clients", FailureKind::transient, "too many connections"},
    {"too many connections", FailureKind::transient, "too many connections"},
    {"remaining connection slots are reserved", FailureKind::transient, "too many connections"},
    {"connection refused", FailureKind::transient, "connection refused"},
    {"timed out", FailureKind::transient, "timeout"},
    {"timeout", FailureKind::transient, "timeout"},
    {"could not translate host name", FailureKind::transient, "host name lookup failed"},
    {"name or service not known", FailureKind::transient, "host name lookup failed"},
    {"temporary failure in name resolution", FailureKind::transient, "host name lookup failed"},
    {"network is unreachable", FailureKind::transient, "network unreachable"},
    {"no route to host", FailureKind::transient, "network unreachable"},
    {"server closed the connection unexpectedly", FailureKind::transient, "server closed the connection"},
    {"connection reset", FailureKind::transient, "connection reset"},
    {"no such file or directory", FailureKind::transient, "socket not there yet"},
};

// What OpenSSL reports when the other end closes the connection or answers a
// ClientHello with something that is not TLS: PostgreSQL before 17 reads the
// ClientHello as a startup packet of absurd length and closes.
constexpr std::string_view direct_tls_refusals[] = {
    "ssl syscall error: eof detected", "unexpected eof while reading", "wrong version number",
    "packet length too long",          "record layer failure",         "unknown protocol",
};

}  // namespace

FailureClass classify_connect_error(std::string_view message, ConnectContext context) {
  const std::string text = lower(message);
  if (context.direct_tls)
    for (const auto refusal : direct_tls_refusals)
      if (text.find(refusal) != std::string::npos)
        return {FailureKind::fatal,
                "the server does not take a direct TLS handshake (sslnegotiation=direct; PostgreSQL before 17, "
                "or a proxy): set sslnegotiation=postgres in the URL or PGSSLNEGOTIATION=postgres"};
  // "role"/"database" patterns only count together with "does not exist".
  const bool does_not_exist = text.find("does not exist") != std::string::npos;
  for (const auto& pattern : patterns) {
    if (text.find(pattern.needle) == std::string::npos) continue;
    if ((pattern.needle == "role \"" || pattern.needle == "database \"") && !does_not_exist) continue;
    if (context.neon_proxy && pattern.reason == "authentication failed")
      return {pattern.kind,
              "authentication failed (Neon's proxy answers so for a wrong password and for an endpoint that does "
              "not exist: check both the password and the endpoint id, the host name's first label)"};
    return {pattern.kind, pattern.reason};
  }
  // Unknown failures are retried: a waking or restarting server says odd
  // things, and the wait timeout still bounds the whole phase.
  return {FailureKind::transient, "connection failed"};
}

}  // namespace dbinit
