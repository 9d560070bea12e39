#define BOOST_TEST_MODULE boolean
#include <boost/test/unit_test.hpp>

#include "core/boolean.hpp"

using namespace dbinit;

BOOST_AUTO_TEST_CASE(booleans_in_any_case) {
  for (const char* yes : {"1", "true", "TRUE", "Yes", "on", "ON"}) BOOST_TEST(parse_bool(yes).value());
  for (const char* no : {"0", "false", "False", "no", "OFF"}) BOOST_TEST(!parse_bool(no).value());
  for (const char* bad : {"", "2", "y", "enabled", "truee"}) BOOST_TEST(!parse_bool(bad).has_value());
}
