#define BOOST_TEST_MODULE direct_tls
#include <boost/test/unit_test.hpp>

#include "pg/direct_tls.hpp"

using namespace dbinit;

namespace {

DirectTlsUse use_of(const std::string& conninfo, const TlsEnvironment& environment = {},
                    const std::optional<std::string>& host_override = std::nullopt) {
  return direct_tls_use(parse_conninfo(conninfo), host_override, environment);
}

// PGSSLNEGOTIATION, PGSSLMODE and PGHOST as set; PGSSLROOTCERT unset.
TlsEnvironment environment(std::optional<std::string> sslnegotiation, std::optional<std::string> sslmode = {},
                           std::optional<std::string> host = {}) {
  return {std::move(sslnegotiation), std::move(sslmode), std::nullopt, std::move(host)};
}

constexpr const char* neon = "postgresql://u@ep-cool-x-123456.us-east-2.aws.neon.tech/db";

}  // namespace

BOOST_AUTO_TEST_CASE(neon_hosts_are_recognised) {
  BOOST_TEST(all_neon_hosts("ep-x-pooler.us-east-2.aws.neon.tech"));
  BOOST_TEST(all_neon_hosts("ep-x.eu-central-1.aws.neon.tech,ep-y.eu-central-1.aws.NEON.TECH."));
  BOOST_TEST(!all_neon_hosts("ep-x.aws.neon.tech,db.example.com"));
  BOOST_TEST(!all_neon_hosts("neon.tech"));
  BOOST_TEST(!all_neon_hosts("neon.tech.example.com"));
  BOOST_TEST(!all_neon_hosts("myneon.tech"));
  BOOST_TEST(!all_neon_hosts(""));
}

BOOST_AUTO_TEST_CASE(neon_with_a_strict_sslmode_gets_direct_tls) {
  for (const char* mode : {"require", "verify-ca", "verify-full"}) {
    const auto use = use_of(std::string(neon) + "?sslmode=" + mode);
    BOOST_TEST(use.chosen_by_dbinit, mode);
    BOOST_TEST(use.in_effect, mode);
  }
  // The key=value form, the pooled host, and sslmode from the environment.
  BOOST_TEST(use_of("host=ep-x-pooler.us-east-2.aws.neon.tech dbname=db sslmode=require").chosen_by_dbinit);
  BOOST_TEST(use_of(neon, environment({}, "require")).chosen_by_dbinit);
  BOOST_TEST(use_of("dbname=db", environment({}, "require", "ep-x.aws.neon.tech")).chosen_by_dbinit);
  // sslrootcert=system without sslmode means verify-full.
  BOOST_TEST(use_of(std::string(neon) + "?sslrootcert=system").chosen_by_dbinit);
}

BOOST_AUTO_TEST_CASE(weak_sslmodes_and_other_hosts_keep_libpqs_default) {
  for (const char* mode : {"disable", "allow", "prefer"})
    BOOST_TEST(!use_of(std::string(neon) + "?sslmode=" + mode).in_effect, mode);
  BOOST_TEST(!use_of(neon).in_effect);  // no sslmode: prefer
  BOOST_TEST(!use_of("postgresql://u@db.example.com/db?sslmode=require").in_effect);
  BOOST_TEST(!use_of("postgresql://u@127.0.0.1/db?sslmode=verify-full").in_effect);
  // Migrations over a host dbinit chose: that host decides.
  BOOST_TEST(!use_of(std::string(neon) + "?sslmode=require", {}, std::string("db.internal")).in_effect);
  BOOST_TEST(use_of("postgresql://u@db.internal/db?sslmode=require", {}, std::string("ep-x.aws.neon.tech")).in_effect);
}

BOOST_AUTO_TEST_CASE(the_users_choice_wins) {
  const auto postgres = use_of(std::string(neon) + "?sslmode=require&sslnegotiation=postgres");
  BOOST_TEST(!postgres.chosen_by_dbinit);
  BOOST_TEST(!postgres.in_effect);
  BOOST_TEST(!use_of(std::string(neon) + "?sslmode=require", environment("postgres")).in_effect);
  // The string's choice wins over the environment's, as in libpq.
  BOOST_TEST(use_of(std::string(neon) + "?sslmode=require&sslnegotiation=direct", environment("postgres")).in_effect);
  // Direct chosen by the user anywhere: in effect, not dbinit's doing.
  const auto elsewhere = use_of("host=127.0.0.1 sslmode=require sslnegotiation=direct");
  BOOST_TEST(elsewhere.in_effect);
  BOOST_TEST(!elsewhere.chosen_by_dbinit);
  BOOST_TEST(use_of("host=127.0.0.1 sslmode=require", environment("direct")).in_effect);
}

BOOST_AUTO_TEST_CASE(neon_hosts_are_recorded_whatever_the_tls_choice) {
  BOOST_TEST(use_of(std::string(neon) + "?sslmode=require").neon_hosts);
  BOOST_TEST(use_of(std::string(neon) + "?sslmode=prefer").neon_hosts);
  BOOST_TEST(use_of(std::string(neon) + "?sslnegotiation=postgres").neon_hosts);
  BOOST_TEST(use_of("host=db.example.com", {}, "ep-x.eu-central-1.aws.neon.tech").neon_hosts);
  BOOST_TEST(!use_of("postgresql://u@db.example.com/db?sslmode=require").neon_hosts);
  BOOST_TEST(!use_of("postgresql://u@db.example.com/db?sslnegotiation=direct").neon_hosts);
}
