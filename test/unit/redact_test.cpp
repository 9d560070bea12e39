#define BOOST_TEST_MODULE redact
#include <boost/test/unit_test.hpp>

#include "redact.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(uri_passwords_are_removed) {
  BOOST_TEST(redact_connection_patterns("postgresql://app:hunter2@db:5432/x") == "postgresql://app:********@db:5432/x");
  BOOST_TEST(redact_connection_patterns("see postgres://u:p%40ss@h/d?sslmode=require now") ==
             "see postgres://u:********@h/d?sslmode=require now");
  BOOST_TEST(redact_connection_patterns("postgresql://app@db/x") == "postgresql://app@db/x");
}

BOOST_AUTO_TEST_CASE(keyword_passwords_are_removed) {
  BOOST_TEST(redact_connection_patterns("host=db password=hunter2 user=app") == "host=db password=******** user=app");
  BOOST_TEST(redact_connection_patterns("host=db password='with space' user=app") ==
             "host=db password=******** user=app");
  BOOST_TEST(redact_connection_patterns("postgresql://db/x?password=hunter2&sslmode=require") ==
             "postgresql://db/x?password=********&sslmode=require");
}

BOOST_AUTO_TEST_CASE(known_secrets_are_removed_anywhere) {
  Redactor redactor;
  redactor.add_connection_string("postgresql://app:p%40ss-w0rd@db/x");
  redactor.add_secret("from-PGPASSWORD");
  const auto out = redactor.apply("server said: p@ss-w0rd is wrong; also from-PGPASSWORD");
  BOOST_TEST(out.find("p@ss-w0rd") == std::string::npos);
  BOOST_TEST(out.find("from-PGPASSWORD") == std::string::npos);
  BOOST_TEST(out.find("********") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(key_value_connection_strings_register_their_password) {
  Redactor redactor;
  redactor.add_connection_string("host=db password=s3cr3t-kv user=app");
  BOOST_TEST(redactor.apply("echo s3cr3t-kv") == "echo ********");
}

BOOST_AUTO_TEST_CASE(invalid_connection_strings_are_ignored_not_fatal) {
  Redactor redactor;
  redactor.add_connection_string("this is = not valid 'quote");
  BOOST_TEST(redactor.apply("plain text") == "plain text");
}

BOOST_AUTO_TEST_CASE(short_passwords_do_not_shred_ordinary_words) {
  Redactor redactor;
  redactor.add_secret("b");
  BOOST_TEST(redactor.apply("database b ready: b") == "database ******** ready: ********");
  redactor.add_secret("longer-secret");
  BOOST_TEST(redactor.apply("xlonger-secretx") == "x********x");
}
