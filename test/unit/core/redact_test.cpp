#define BOOST_TEST_MODULE redact
#include <boost/test/unit_test.hpp>

#include "core/redact.hpp"

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
  redactor.add_secret("p@ss-w0rd");
  redactor.add_secret("from-PGPASSWORD");
  const auto out = redactor.apply("server said: p@ss-w0rd is wrong; also from-PGPASSWORD");
  BOOST_TEST(out == "server said: ******** is wrong; also ********");
}

BOOST_AUTO_TEST_CASE(a_secret_containing_another_is_removed_whole) {
  Redactor redactor;
  redactor.add_secret("secret");
  redactor.add_secret("secret-and-more");
  BOOST_TEST(redactor.apply("x secret-and-more y") == "x ******** y");
}

BOOST_AUTO_TEST_CASE(short_passwords_do_not_shred_ordinary_words) {
  Redactor redactor;
  redactor.add_secret("b");
  BOOST_TEST(redactor.apply("database b ready: b") == "database ******** ready: ********");
  redactor.add_secret("longer-secret");
  BOOST_TEST(redactor.apply("xlonger-secretx") == "x********x");
}
