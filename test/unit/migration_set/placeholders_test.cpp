#define BOOST_TEST_MODULE placeholders
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

#include "migration_builder.hpp"
#include "migration_set/placeholders.hpp"

using namespace dbinit;
using dbinit::test::migration;

namespace {

VariableLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

Substitution sent(std::string_view sql, std::map<std::string, std::string> variables = {}) {
  return substitute_placeholders("0001_roles.up.sql", sql, environment(std::move(variables)), PlaceholderUse::send);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_marker_opens_the_file_alone_or_after_another_directive) {
  BOOST_TEST(uses_placeholders("-- dbinit:placeholders\nGRANT x TO ${ROLE};\n"));
  BOOST_TEST(uses_placeholders("-- dbinit:no-transaction\n-- dbinit:placeholders  \nSELECT 1;\n"));
  BOOST_TEST(uses_placeholders("-- dbinit:placeholders"));
  BOOST_TEST(!uses_placeholders("GRANT x TO ${ROLE};\n-- dbinit:placeholders\n"));
  BOOST_TEST(!uses_placeholders("-- a comment\n-- dbinit:placeholders\n"));
  BOOST_TEST(!uses_placeholders("-- dbinit:placeholders-please\n"));
}

BOOST_AUTO_TEST_CASE(each_placeholder_is_its_variable_or_its_default) {
  const auto done = sent("GRANT SELECT ON t TO ${APP_ROLE};\nSET search_path = ${SCHEMA:-public}, ${X:-};\n",
                         {{"APP_ROLE", "reader_preview_7"}});
  BOOST_TEST(done.error.empty(), done.error);
  BOOST_TEST(done.sql == "GRANT SELECT ON t TO reader_preview_7;\nSET search_path = public, ;\n");
  BOOST_TEST(sent("${SCHEMA:-public}", {{"SCHEMA", "preview"}}).sql == "preview");
  // An empty variable counts as unset, as for every DBINIT_* variable.
  BOOST_TEST(sent("${SCHEMA:-public}", {{"SCHEMA", ""}}).sql == "public");
}

BOOST_AUTO_TEST_CASE(a_double_dollar_is_a_literal_and_other_dollars_stay) {
  const auto done = sent("SELECT '$${NOT_ME}', $$body ${A}$$, $1, $tag$ x $tag$;", {{"A", "a"}});
  BOOST_TEST(done.error.empty(), done.error);
  BOOST_TEST(done.sql == "SELECT '${NOT_ME}', $$body a$$, $1, $tag$ x $tag$;");
}

BOOST_AUTO_TEST_CASE(a_placeholder_without_a_value_names_the_file_the_line_and_the_variable) {
  const auto missing = sent("-- dbinit:placeholders\nSELECT 1;\nGRANT x TO ${APP_ROLE};\n");
  BOOST_TEST(missing.error == "0001_roles.up.sql:3: placeholder ${APP_ROLE} has no value: set APP_ROLE in the "
                              "environment, or give a default as ${APP_ROLE:-value}");
  BOOST_TEST(missing.sql.empty());
}

BOOST_AUTO_TEST_CASE(a_malformed_placeholder_is_an_error_with_its_line) {
  for (const std::string text : {"\n${1X}", "\n${A", "\n${A:-x\n}", "\n${}", "\n${A-b}"}) {
    const auto refused = sent(text, {{"A", "a"}});
    BOOST_TEST(refused.error.starts_with("0001_roles.up.sql:2: malformed placeholder"), text << ": " << refused.error);
  }
}

BOOST_AUTO_TEST_CASE(secret_values_are_shown_as_psql_variables_and_handed_to_the_redactor) {
  BOOST_TEST(is_secret_placeholder("APP_PASSWORD"));
  BOOST_TEST(is_secret_placeholder("api_token"));
  BOOST_TEST(is_secret_placeholder("ClientSecretKey"));
  BOOST_TEST(!is_secret_placeholder("APP_ROLE"));
  const auto shown = substitute_placeholders("f.up.sql", "CREATE ROLE ${ROLE} PASSWORD '${ROLE_PASSWORD}';",
                                             environment({{"ROLE", "app"}, {"ROLE_PASSWORD", "pw-7781"}}),
                                             PlaceholderUse::show);
  BOOST_TEST(shown.sql == "CREATE ROLE app PASSWORD ':'ROLE_PASSWORD'';");
  BOOST_TEST(shown.secret_values == std::vector<std::string>{"pw-7781"});
  const auto sending = substitute_placeholders("f.up.sql", "'${ROLE_PASSWORD}'", environment({{"ROLE_PASSWORD", "pw-7781"}}),
                                               PlaceholderUse::send);
  BOOST_TEST(sending.sql == "'pw-7781'");
  BOOST_TEST(sending.secret_values == std::vector<std::string>{"pw-7781"});
}

BOOST_AUTO_TEST_CASE(only_files_with_the_marker_change_and_checksums_stay_those_of_the_files_as_written) {
  std::vector<Migration> set{migration(1, "plain", "CREATE FUNCTION f() RETURNS text AS $$ SELECT '${HOME}' $$ LANGUAGE sql;\n"),
                             migration(2, "roles", "-- dbinit:placeholders\nCREATE ROLE ${ROLE};\n",
                                       "-- dbinit:placeholders\nDROP ROLE ${ROLE};\n")};
  const std::string plain = set[0].up.sql, checksum = set[1].checksum;
  const auto filled = fill_placeholders(set, environment({{"ROLE", "preview_7"}}), PlaceholderUse::send);
  BOOST_TEST(filled.error.empty(), filled.error);
  BOOST_TEST(set[0].up.sql == plain);
  BOOST_TEST(set[1].up.sql == "-- dbinit:placeholders\nCREATE ROLE preview_7;\n");
  BOOST_TEST(set[1].down->sql == "-- dbinit:placeholders\nDROP ROLE preview_7;\n");
  BOOST_TEST(set[1].checksum == checksum);
  std::vector<Migration> unset{migration(2, "roles", "-- dbinit:placeholders\nCREATE ROLE ${ROLE};\n")};
  BOOST_TEST(fill_placeholders(unset, environment({}), PlaceholderUse::send).error.starts_with("2_roles.up.sql:2: "));
}

BOOST_AUTO_TEST_CASE(lint_sees_defaults_or_neutral_identifiers) {
  BOOST_TEST(with_neutral_placeholders("-- dbinit:placeholders\nGRANT x TO ${ROLE};\nSET a = ${A:-1};\n") ==
             "-- dbinit:placeholders\nGRANT x TO dbinit_placeholder_ROLE;\nSET a = 1;\n");
  BOOST_TEST(with_neutral_placeholders("GRANT x TO ${ROLE};") == "GRANT x TO ${ROLE};");
}
