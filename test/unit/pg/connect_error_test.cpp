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
  const auto direct = classify_connect_error(eof, true);
  BOOST_TEST((direct.kind == FailureKind::fatal));
  BOOST_TEST(direct.reason.find("sslnegotiation=postgres") != std::string_view::npos);
  BOOST_TEST(direct.reason.find("PGSSLNEGOTIATION=postgres") != std::string_view::npos);
  for (const char* garbage : {"SSL error: wrong version number", "SSL error: packet length too long",
                              "SSL error: unexpected eof while reading", "SSL error: record layer failure"})
    BOOST_TEST((classify_connect_error(garbage, true).kind == FailureKind::fatal), garbage);
  // Without direct TLS the same words are a link's trouble: retried.
  BOOST_TEST((classify_connect_error(eof, false).kind == FailureKind::transient));
  // With it, what is not about the handshake keeps its own class.
  BOOST_TEST((classify_connect_error("connection refused", true).kind == FailureKind::transient));
  BOOST_TEST(classify_connect_error("FATAL:  password authentication failed for user \"u\"", true).reason ==
             "authentication failed");
}
