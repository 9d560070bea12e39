#define BOOST_TEST_MODULE conninfo
#include <boost/test/unit_test.hpp>

#include "pg/conninfo.hpp"

using namespace dbinit;

namespace {

// The host list a connection string names, as the migration target reads it.
std::optional<std::string> host_of(const std::string& conninfo) {
  const auto parsed = parse_conninfo(conninfo);
  const auto host = parsed.values.find("host");
  if (host == parsed.values.end()) return std::nullopt;
  return host->second;
}

}  // namespace

BOOST_AUTO_TEST_CASE(host_of_a_uri) {
  BOOST_TEST(host_of("postgresql://app:secret@ep-cool-123-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require")
                 .value_or("<none>") == "ep-cool-123-pooler.us-east-2.aws.neon.tech");
  BOOST_TEST(host_of("postgres://u@h1:5432,h2:5433/db").value_or("<none>") == "h1,h2");
  BOOST_TEST(host_of("postgresql://u@db/x?host=other").value_or("<none>") == "other");
  BOOST_TEST(!host_of("postgresql:///db").has_value());
}

BOOST_AUTO_TEST_CASE(host_of_key_value_conninfo) {
  BOOST_TEST(host_of("host=db.internal port=5432 dbname=app").value_or("<none>") == "db.internal");
  BOOST_TEST(host_of("dbname=app host = 'ep-x-pooler.neon.tech'").value_or("<none>") == "ep-x-pooler.neon.tech");
  BOOST_TEST(!host_of("dbname=app user=me").has_value());
}

BOOST_AUTO_TEST_CASE(host_of_empty_or_invalid_conninfo_is_absent) {
  BOOST_TEST(!host_of("").has_value());
  BOOST_TEST(!host_of("host='unterminated").has_value());
  BOOST_TEST(!host_of("nonsense_keyword=1").has_value());
}

BOOST_AUTO_TEST_CASE(passwords_are_read_from_uris_and_key_value_strings) {
  BOOST_TEST(parse_conninfo("postgresql://app:p%40ss-w0rd@db/x").values.at("password") == "p@ss-w0rd");
  BOOST_TEST(parse_conninfo("host=db password=s3cr3t-kv user=app").values.at("password") == "s3cr3t-kv");
  BOOST_TEST(!parse_conninfo("postgresql://app@db/x").values.count("password"));
}

BOOST_AUTO_TEST_CASE(malformed_strings_carry_libpq_complaint_on_one_line) {
  const auto parsed = parse_conninfo("host=db colour=blue");
  BOOST_TEST(parsed.values.empty());
  BOOST_TEST(parsed.error.value_or("<none>") == "invalid connection option \"colour\"");
  BOOST_TEST(!parse_conninfo("").error.has_value());
  BOOST_TEST(parse_conninfo("").values.empty());
}
