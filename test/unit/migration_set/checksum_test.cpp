#define BOOST_TEST_MODULE checksum
#include <boost/test/unit_test.hpp>

#include <string>

#include "migration_set/checksum.hpp"

using namespace dbinit;

namespace {

const std::string bom = "\xEF\xBB\xBF";
const std::string lf_file = "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n";
const std::string crlf_file = "CREATE TABLE a (x int);\r\nINSERT INTO a VALUES (1);\r\n";

}  // namespace

BOOST_AUTO_TEST_CASE(sha256_matches_the_standard_test_vectors) {
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

BOOST_AUTO_TEST_CASE(sha256_hashes_embedded_nul_bytes) {
  const std::string with_nul("a\0b", 3);
  BOOST_TEST(sha256_hex(with_nul) != sha256_hex("a"));
  BOOST_TEST(sha256_hex(with_nul).size() == 64u);
}

BOOST_AUTO_TEST_CASE(line_endings_and_bom_do_not_change_the_checksum) {
  const auto expected = migration_checksum(lf_file);
  BOOST_TEST(expected == sha256_hex(lf_file));
  BOOST_TEST(migration_checksum(crlf_file) == expected);
  BOOST_TEST(migration_checksum(bom + lf_file) == expected);
  BOOST_TEST(migration_checksum(bom + crlf_file) == expected);
}

BOOST_AUTO_TEST_CASE(different_content_gives_a_different_checksum) {
  BOOST_TEST(migration_checksum(lf_file) != migration_checksum("CREATE TABLE b (x int);\nINSERT INTO a VALUES (1);\n"));
  BOOST_TEST(migration_checksum(lf_file) != migration_checksum(lf_file + "\n"));
  BOOST_TEST(migration_checksum("SELECT 1;") != migration_checksum("select 1;"));
}

BOOST_AUTO_TEST_CASE(normalisation_touches_only_a_leading_bom_and_crlf_pairs) {
  BOOST_TEST(normalize_line_endings(bom + "a\r\nb\r\n") == "a\nb\n");
  BOOST_TEST(normalize_line_endings("a\rb") == "a\rb");          // a lone CR is content
  BOOST_TEST(normalize_line_endings("a\r\r\nb") == "a\r\nb");    // only the CR right before LF goes
  BOOST_TEST(normalize_line_endings("a\r") == "a\r");
  BOOST_TEST(normalize_line_endings("a" + bom) == "a" + bom);    // a BOM later in the file stays
  BOOST_TEST(normalize_line_endings(bom + bom + "a") == bom + "a");  // only one is removed
  BOOST_TEST(normalize_line_endings("") == "");
  BOOST_TEST(migration_checksum("a\rb") != migration_checksum("a\nb"));
}
