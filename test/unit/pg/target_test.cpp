#define BOOST_TEST_MODULE target
#include <boost/test/unit_test.hpp>

#include "pg/target.hpp"

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

BOOST_AUTO_TEST_CASE(migrations_prefer_the_migration_url) {
  DatabaseSettings settings;
  settings.database_url = "postgresql://u@ep-x-pooler.neon.tech/db";
  settings.migration_url = "postgresql://u@direct.example/db";
  const auto target = connection_target(settings, parse_database_urls(settings), true);
  BOOST_TEST(target.conninfo == settings.migration_url);
  BOOST_TEST(target.application_name == default_application_name());
  BOOST_TEST(!target.host_override.has_value());
}

BOOST_AUTO_TEST_CASE(the_app_connection_is_the_database_url_as_given) {
  DatabaseSettings settings;
  settings.database_url = "postgresql://u@ep-x-pooler.neon.tech/db";
  settings.migration_url = "postgresql://u@direct.example/db";
  const auto target = connection_target(settings, parse_database_urls(settings), false);
  BOOST_TEST(target.conninfo == settings.database_url);
  BOOST_TEST(!target.host_override.has_value());
}

BOOST_AUTO_TEST_CASE(application_name_names_dbinit_and_the_host_within_63_bytes) {
  const auto name = default_application_name();
  BOOST_TEST(name.starts_with("dbinit/" DBINIT_VERSION "@"));
  BOOST_TEST(name.size() <= 63u);
}

BOOST_AUTO_TEST_CASE(migrations_go_around_the_neon_pooler) {
  DatabaseSettings settings;
  settings.database_url = "postgresql://u@ep-x-pooler.eu.aws.neon.tech/db";
  const auto target = connection_target(settings, parse_database_urls(settings), true);
  BOOST_TEST(target.conninfo == settings.database_url);
  BOOST_TEST(target.host_override.value_or("<none>") == "ep-x.eu.aws.neon.tech");

  settings.database_url = "postgresql://u@db.internal/db";
  BOOST_TEST(!connection_target(settings, parse_database_urls(settings), true).host_override.has_value());
  settings.database_url = "";
  BOOST_TEST(!connection_target(settings, parse_database_urls(settings), true).host_override.has_value());
}

// 30 s: keepalives after 10 s idle, every 5 s, 4 unanswered probes; 30 s for
// data never acknowledged. Whole seconds for libpq, never 0.
BOOST_AUTO_TEST_CASE(dead_link_settings_add_up_to_the_timeout) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  BOOST_TEST((dead_link_settings(Milliseconds(30'000)) == Pairs{{"keepalives", "1"}, {"keepalives_idle", "10"},
                                                               {"keepalives_interval", "5"}, {"keepalives_count", "4"},
                                                               {"tcp_user_timeout", "30000"}}));
  BOOST_TEST((dead_link_settings(Milliseconds(3'000)) == Pairs{{"keepalives", "1"}, {"keepalives_idle", "1"},
                                                              {"keepalives_interval", "1"}, {"keepalives_count", "2"},
                                                              {"tcp_user_timeout", "3000"}}));
  BOOST_TEST((dead_link_settings(Milliseconds(500)) == Pairs{{"keepalives", "1"}, {"keepalives_idle", "1"},
                                                            {"keepalives_interval", "1"}, {"keepalives_count", "1"},
                                                            {"tcp_user_timeout", "500"}}));
  BOOST_TEST(dead_link_settings(Milliseconds(0)).empty());
  DatabaseSettings settings;
  BOOST_TEST(connection_target(settings, parse_database_urls(settings), false).defaults.size() == 5u);
  BOOST_TEST(connection_target(settings, parse_database_urls(settings), true).defaults.size() == 5u);
}
