#define BOOST_TEST_MODULE schema_snapshot
#include <boost/test/unit_test.hpp>

#include "migrate/schema_snapshot.hpp"

using namespace dbinit;

namespace {

const SchemaObject table_a{"table", "lc_a", "", ""};
const SchemaObject column_n{"column", "n", "lc_a", "position 1 integer not null"};
const SchemaObject index_n{"index", "lc_a_n", "lc_a", "CREATE INDEX lc_a_n ON public.lc_a USING btree (n)"};

}  // namespace

BOOST_AUTO_TEST_CASE(equal_snapshots_in_any_order_have_no_difference) {
  BOOST_TEST(compare_snapshots(make_snapshot({table_a, column_n, index_n}), make_snapshot({index_n, table_a, column_n}))
                 .empty());
}

BOOST_AUTO_TEST_CASE(an_object_a_down_left_behind_is_named_with_its_table) {
  const auto differences = compare_snapshots(make_snapshot({table_a, column_n}), make_snapshot({table_a, column_n, index_n}));
  BOOST_TEST_REQUIRE(differences.size() == 1u);
  BOOST_TEST((differences[0].change == SchemaChange::left_over));
  BOOST_TEST(describe(differences[0], "down of 2") == "index lc_a_n on lc_a is still there after down of 2");
  BOOST_TEST(describe(differences[0], "up of 2 again") ==
             "index lc_a_n on lc_a is there after up of 2 again, and was not after the first");
}

BOOST_AUTO_TEST_CASE(an_object_a_down_removed_too_many_is_missing) {
  const auto differences = compare_snapshots(make_snapshot({table_a, column_n, index_n}), make_snapshot({table_a}));
  BOOST_TEST_REQUIRE(differences.size() == 2u);
  BOOST_TEST(describe(differences[0], "down of 3") == "column n on lc_a is missing after down of 3");
  BOOST_TEST(describe(differences[1], "down of 3") == "index lc_a_n on lc_a is missing after down of 3");
}

BOOST_AUTO_TEST_CASE(a_changed_definition_shows_both_on_one_line) {
  SchemaObject widened = column_n;
  widened.definition = "position 1\n  bigint    not null";
  const auto differences = compare_snapshots(make_snapshot({column_n}), make_snapshot({widened}));
  BOOST_TEST_REQUIRE(differences.size() == 1u);
  BOOST_TEST((differences[0].change == SchemaChange::differs));
  BOOST_TEST(describe(differences[0], "down of 4") ==
             "column n on lc_a differs after down of 4: 'position 1 bigint not null', expected 'position 1 integer not null'");
}

BOOST_AUTO_TEST_CASE(objects_of_the_same_name_on_other_tables_are_other_objects) {
  const SchemaObject on_b{"column", "n", "lc_b", "position 1 integer not null"};
  const auto differences = compare_snapshots(make_snapshot({column_n}), make_snapshot({on_b}));
  BOOST_TEST_REQUIRE(differences.size() == 2u);
  BOOST_TEST(describe(differences[0].expected) == "column n on lc_a");
  BOOST_TEST(describe(differences[1].found) == "column n on lc_b");
}

BOOST_AUTO_TEST_CASE(a_long_definition_is_cut_for_the_log_line) {
  SchemaObject body{"function", "f()", "", std::string(400, 'x')};
  SchemaObject other = body;
  other.definition = std::string(400, 'y');
  const auto line = describe(compare_snapshots(make_snapshot({body}), make_snapshot({other}))[0], "down of 1");
  BOOST_TEST(line.size() < 400u);
  BOOST_TEST(line.find("...") != std::string::npos);
}
