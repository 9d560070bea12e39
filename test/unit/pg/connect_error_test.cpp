#define BOOST_TEST_MODULE connect_error
#include <boost/test/unit_test.hpp>

#include "pg/connect_error.hpp"

using namespace dbinit;

namespace {
bool fatal(const char* message) { return classify_connect_error(message).kind == FailureKind::fatal; }
}  // namespace

BOOST_AUTO_TEST_CASE(transient_failures_are_retried) {
  for (const char* message : {
           "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
           "timeout: no answer within 5s",
           "could not translate host name \"db\" to address: Name or service not known",
           "could not translate host name \"db\" to address: Temporary failure in name resolution",
           "connection to server at \"::1\", port 5432 failed: Network is unreachable",
           "FATAL:  the database system is starting up",
           "FATAL:  the database system is shutting down",
           "FATAL:  sorry, too many clients already",
           "server closed the connection unexpectedly",
           "ERROR:  Couldn't connect to compute node",
           "ERROR:  Too many connections attempts",
           "ERROR:  Failed to acquire permit to connect to the database. Too many database connection attempts are currently ongoing.",
           "something nobody has seen before",
       })
    BOOST_TEST(!fatal(message), message);
}

BOOST_AUTO_TEST_CASE(fatal_failures_stop_at_once) {
  for (const char* message : {
           "FATAL:  password authentication failed for user \"app\"",
           "FATAL:  role \"ghost\" does not exist",
           "FATAL:  database \"nope\" does not exist",
           "SSL error: certificate verify failed",
           "server certificate for \"db.example\" does not match host name \"other\"",
           "invalid connection option \"colour\"",
           "missing \"=\" after \"garbage\" in connection info string",
           "invalid sslmode value: \"sometimes\"",
           "local user with ID 1000 does not exist; could not look up local user ID 1000: No such file",
           "ERROR:  The requested endpoint could not be found, or you don't have access to it. endpoint cannot be found",
           "ERROR:  Endpoint is disabled",
           "ERROR:  Your account or project has exceeded the compute time quota. Upgrade your plan to increase limits.",
           "FATAL:  no pg_hba.conf entry for host \"10.0.0.1\"",
       })
    BOOST_TEST(fatal(message), message);
}

BOOST_AUTO_TEST_CASE(role_and_database_words_alone_are_not_fatal) {
  BOOST_TEST(!fatal("FATAL:  the database system is starting up (role \"x\")"));
}

BOOST_AUTO_TEST_CASE(reasons_are_short_labels) {
  BOOST_TEST(classify_connect_error("FATAL:  password authentication failed for user \"u\"").reason ==
             "authentication failed");
  BOOST_TEST(classify_connect_error("ERROR:  Couldn't connect to compute node").reason == "Neon compute waking up");
}

BOOST_AUTO_TEST_CASE(a_refused_direct_tls_handshake_names_the_option) {
  // libpq 17 against PostgreSQL 15, which closes on the ClientHello.
  const std::string_view eof = "connection to server at \"127.0.0.1\", port 5432 failed: SSL SYSCALL error: EOF detected";
  const ConnectContext direct{.direct_tls = true};
  const auto refused = classify_connect_error(eof, direct);
  BOOST_TEST((refused.kind == FailureKind::fatal));
  BOOST_TEST(refused.reason.find("sslnegotiation=postgres") != std::string_view::npos);
  BOOST_TEST(refused.reason.find("PGSSLNEGOTIATION=postgres") != std::string_view::npos);
  for (const char* garbage : {"SSL error: wrong version number", "SSL error: packet length too long",
                              "SSL error: unexpected eof while reading", "SSL error: record layer failure"})
    BOOST_TEST((classify_connect_error(garbage, direct).kind == FailureKind::fatal), garbage);
  // Without direct TLS the same words are a link's trouble: retried.
  BOOST_TEST((classify_connect_error(eof).kind == FailureKind::transient));
  // With it, what is not about the handshake keeps its own class.
  BOOST_TEST((classify_connect_error("connection refused", direct).kind == FailureKind::transient));
  BOOST_TEST(classify_connect_error("FATAL:  password authentication failed for user \"u\"", direct).reason ==
             "authentication failed");
}

// The texts of Neon's proxy (neondatabase/neon, proxy crate) and of the
// PgBouncer behind its -pooler hosts, as psql 17 prints them.
BOOST_AUTO_TEST_CASE(neon_proxy_refusals_stop_at_once_naming_the_fix) {
  const struct {
    const char* message;
    std::string_view fix;
  } cases[] = {
      {"ERROR:  connection is insecure (try using `sslmode=require`)", "sslmode=require"},
      {"ERROR:  Inconsistent project name inferred from SNI ('ep-a-1') and project option ('ep-b-2').",
       "options=endpoint="},
      {"ERROR:  SNI ('db.example.com') inconsistently formatted with respect to common name ('aws.neon.tech'). "
       "SNI should be formatted as '<project-name>.aws.neon.tech'.",
       "ep-NAME.REGION.aws.neon.tech"},
      {"ERROR:  Project name ('ep_a') must contain only alphanumeric characters and hyphen.", "malformed"},
      {"ERROR:  Endpoint ID is not specified. Either please upgrade the postgres client library (libpq) for SNI "
       "support or pass the endpoint ID (first part of the domain name) as a parameter: '?options=endpoint%3D<endpoint-id>'.",
       "not specified"},
      {"ERROR:  Control plane request failed: endpoint cannot be found", "not found"},
      {"FATAL:  unsupported startup parameter: options", "direct host"},
  };
  for (const auto& c : cases) {
    const auto failure = classify_connect_error(c.message, {.neon_proxy = true});
    BOOST_TEST((failure.kind == FailureKind::fatal), c.message);
    BOOST_TEST(failure.reason.find(c.fix) != std::string_view::npos, c.message << " -> " << failure.reason);
  }
}

BOOST_AUTO_TEST_CASE(a_password_failure_through_neon_may_be_a_missing_endpoint_and_says_so) {
  // The proxy hides an endpoint that does not exist behind this answer.
  const char* neon = "ERROR:  password authentication failed for user 'app'";
  const auto through_neon = classify_connect_error(neon, {.neon_proxy = true});
  BOOST_TEST((through_neon.kind == FailureKind::fatal));
  BOOST_TEST(through_neon.reason.find("endpoint") != std::string_view::npos, through_neon.reason);
  BOOST_TEST(through_neon.reason.find("password") != std::string_view::npos, through_neon.reason);
  // A server of one's own means what it says.
  BOOST_TEST(classify_connect_error("FATAL:  password authentication failed for user \"app\"").reason ==
             "authentication failed");
}

BOOST_AUTO_TEST_CASE(neon_proxy_words_while_a_compute_wakes_are_retried) {
  for (const char* message : {"ERROR:  Couldn't connect to compute node",
                              "ERROR:  Too many connections attempts"})
    BOOST_TEST((classify_connect_error(message, {.neon_proxy = true}).kind == FailureKind::transient), message);
}
