#define BOOST_TEST_MODULE migration_url
#include <boost/test/unit_test.hpp>

#include "migration_url.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(neon_pooled_host_maps_to_the_direct_host) {
  BOOST_TEST(direct_hosts_for("ep-cool-123-pooler.us-east-2.aws.neon.tech").value_or("<none>") ==
             "ep-cool-123.us-east-2.aws.neon.tech");
  BOOST_TEST(direct_hosts_for("ep-x-pooler").value_or("<none>") == "ep-x");
}

BOOST_AUTO_TEST_CASE(every_pooled_host_of_a_list_is_mapped_and_others_kept) {
  BOOST_TEST(direct_hosts_for("ep-a-pooler.eu.aws.neon.tech,ep-b-pooler.eu.aws.neon.tech").value_or("<none>") ==
             "ep-a.eu.aws.neon.tech,ep-b.eu.aws.neon.tech");
  BOOST_TEST(direct_hosts_for("replica.internal,ep-b-pooler.eu.aws.neon.tech,10.0.0.5").value_or("<none>") ==
             "replica.internal,ep-b.eu.aws.neon.tech,10.0.0.5");
}

BOOST_AUTO_TEST_CASE(hosts_that_are_not_neon_pooled_hosts_are_left_alone) {
  BOOST_TEST(!direct_hosts_for("pooler.example.com").has_value());    // no dash before "pooler"
  BOOST_TEST(!direct_hosts_for("-pooler.example.com").has_value());   // nothing would be left
  BOOST_TEST(!direct_hosts_for("my-pooler-db.x").has_value());        // "-pooler" not at the end of the label
  BOOST_TEST(!direct_hosts_for("db.ep-x-pooler.neon.tech").has_value());  // only the first label counts
  BOOST_TEST(!direct_hosts_for("ep-cool-123.us-east-2.aws.neon.tech").has_value());
  BOOST_TEST(!direct_hosts_for("a.internal,b.internal").has_value());
  BOOST_TEST(!direct_hosts_for("").has_value());
  BOOST_TEST(!direct_hosts_for("/var/run/postgresql").has_value());
}

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

BOOST_AUTO_TEST_CASE(migration_connection_prefers_the_migration_url) {
  Config config;
  config.database_url = "postgresql://u@ep-x-pooler.neon.tech/db";
  config.migration_url = "postgresql://u@direct.example/db";
  const auto target = migration_connection(config, "dbinit-migrate");
  BOOST_TEST(target.conninfo == config.migration_url);
  BOOST_TEST(target.application_name == "dbinit-migrate");
  BOOST_TEST(!target.host_override.has_value());
}

BOOST_AUTO_TEST_CASE(migration_connection_goes_around_the_neon_pooler) {
  Config config;
  config.database_url = "postgresql://u@ep-x-pooler.eu.aws.neon.tech/db";
  const auto target = migration_connection(config, "dbinit");
  BOOST_TEST(target.conninfo == config.database_url);
  BOOST_TEST(target.host_override.value_or("<none>") == "ep-x.eu.aws.neon.tech");

  config.database_url = "postgresql://u@db.internal/db";
  BOOST_TEST(!migration_connection(config, "dbinit").host_override.has_value());
  config.database_url = "";
  BOOST_TEST(!migration_connection(config, "dbinit").host_override.has_value());
}
