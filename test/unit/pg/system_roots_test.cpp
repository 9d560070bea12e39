#define BOOST_TEST_MODULE system_roots
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "pg/ca_bundle.hpp"
#include "pg/system_roots.hpp"

using namespace dbinit;

namespace {

SystemRootsUse use_of(const std::string& conninfo, const char* env_rootcert = nullptr, const char* env_sslmode = nullptr) {
  return system_roots_use(parse_conninfo(conninfo), env_rootcert, env_sslmode);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int count_of(const std::string& text, std::string_view needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(system_alone_means_verify_full) {
  const auto use = use_of("postgresql://u@ep-x.neon.tech/db?sslrootcert=system");
  BOOST_TEST(use.wanted);
  BOOST_TEST(use.set_verify_full);
  BOOST_TEST(!use.refusal.has_value());
  BOOST_TEST(!use_of("host=h sslrootcert=system sslmode=verify-full").set_verify_full);
  BOOST_TEST(!use_of("host=h sslrootcert=system sslmode=verify-full").refusal.has_value());
}

BOOST_AUTO_TEST_CASE(a_weaker_sslmode_is_refused_naming_where_it_came_from) {
  for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca"}) {
    const auto use = use_of(std::string("host=h sslrootcert=system sslmode=") + mode);
    BOOST_TEST_REQUIRE(use.refusal.has_value());
    BOOST_TEST(use.refusal->find("needs sslmode=verify-full") != std::string::npos);
    BOOST_TEST(use.refusal->find(std::string("the connection string sets sslmode=") + mode) != std::string::npos);
  }
  const auto from_env = use_of("host=h sslrootcert=system", nullptr, "require");
  BOOST_TEST_REQUIRE(from_env.refusal.has_value());
  BOOST_TEST(from_env.refusal->find("PGSSLMODE sets sslmode=require") != std::string::npos);
  // The connection string's own sslmode wins over PGSSLMODE, as in libpq.
  BOOST_TEST(!use_of("host=h sslrootcert=system sslmode=verify-full", nullptr, "require").refusal.has_value());
}

BOOST_AUTO_TEST_CASE(pgsslrootcert_counts_when_the_string_leaves_it_out) {
  BOOST_TEST(use_of("host=h", "system").wanted);
  BOOST_TEST(use_of("host=h", "system").set_verify_full);
  BOOST_TEST(!use_of("host=h sslrootcert=/ca.crt", "system").wanted);
}

BOOST_AUTO_TEST_CASE(other_root_certificates_are_libpqs_business) {
  BOOST_TEST(!use_of("").wanted);
  BOOST_TEST(!use_of("host=h sslrootcert=/etc/ca.pem sslmode=require").wanted);
  BOOST_TEST(!use_of("host=h sslrootcert=System").wanted);
  BOOST_TEST(!use_of("host=h sslmode=require").refusal.has_value());
}

BOOST_AUTO_TEST_CASE(the_built_in_bundle_holds_the_build_machines_cas) {
  // Debian 12's ca-certificates holds 140-odd; a truncated or empty bundle
  // would verify nothing.
  BOOST_TEST(built_in_root_count() > 100);
  BOOST_TEST(!built_in_ca_bundle().origin.empty());
}

BOOST_AUTO_TEST_CASE(the_in_memory_file_is_pem_that_cannot_change) {
  const RootsFile& file = built_in_roots_file();
  BOOST_TEST_REQUIRE(file.error.empty(), file.error);
  BOOST_TEST(file.path.starts_with("/proc/self/fd/"));
  const std::string pem = read_all(file.path);
  BOOST_TEST(file.certificates == built_in_root_count());
  BOOST_TEST(count_of(pem, "-----BEGIN CERTIFICATE-----") == file.certificates);
  // Sealed: not even dbinit can open it for writing.
  std::ofstream writer(file.path, std::ios::app);
  writer << "tampered";
  writer.flush();
  BOOST_TEST(read_all(file.path) == pem);
  // Made once: a second call returns the same file.
  BOOST_TEST(&built_in_roots_file() == &file);
}

BOOST_AUTO_TEST_CASE(applying_points_libpq_at_the_file_after_the_connection_string) {
  ConnectionTarget target{.conninfo = "postgresql://u@h/db?sslrootcert=system",
                        .parsed = parse_conninfo("postgresql://u@h/db?sslrootcert=system"),
                        .application_name = "test",
                        .host_override = std::nullopt,
                        .defaults = {},
                        .overrides = {},
                        .direct_tls = false,
                        .neon_proxy = false};
  BOOST_TEST(!apply_system_roots(target, target.parsed).has_value());
  BOOST_TEST_REQUIRE(target.overrides.size() == 2u);
  BOOST_TEST(target.overrides[0].first == "sslrootcert");
  BOOST_TEST(target.overrides[0].second == built_in_roots_file().path);
  BOOST_TEST(target.overrides[1].first == "sslmode");
  BOOST_TEST(target.overrides[1].second == "verify-full");

  ConnectionTarget plain{.conninfo = "postgresql://u@h/db?sslmode=require",
                        .parsed = parse_conninfo("postgresql://u@h/db?sslmode=require"),
                        .application_name = "test",
                        .host_override = std::nullopt,
                        .defaults = {},
                        .overrides = {},
                        .direct_tls = false,
                        .neon_proxy = false};
  BOOST_TEST(!apply_system_roots(plain, plain.parsed).has_value());
  BOOST_TEST(plain.overrides.empty());

  ConnectionTarget weak{.conninfo = "postgresql://u@h/db?sslrootcert=system&sslmode=require",
                        .parsed = parse_conninfo("postgresql://u@h/db?sslrootcert=system&sslmode=require"),
                        .application_name = "test",
                        .host_override = std::nullopt,
                        .defaults = {},
                        .overrides = {},
                        .direct_tls = false,
                        .neon_proxy = false};
  BOOST_TEST(apply_system_roots(weak, weak.parsed).value_or("") .find("needs sslmode=verify-full") != std::string::npos);
  BOOST_TEST(weak.overrides.empty());
}
