// The Admin UI's password check: libxcrypt's bcrypt against hashes made elsewhere.
#include "sio/admin/bcrypt.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using sio::admin::bcrypt_matches;
using sio::admin::is_bcrypt_hash;

namespace {
// Made by the bcryptjs npm package (what Node's admin UI uses): hashSync("s3cret-admin", 4).
std::string const bcryptjs_hash = "$2a$04$aSX5RY6j0rBzf7KClr2SVORvEIz9OjQoql6ZQBmg3pgkP/ISRZpxC";
// From crypt_blowfish's test vectors (Openwall): "U*U" at cost 5.
std::string const openwall_hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
} // namespace

BOOST_AUTO_TEST_SUITE(bcrypt)

BOOST_AUTO_TEST_CASE(matches_hashes_made_by_bcryptjs_and_the_reference) {
    BOOST_TEST(bcrypt_matches("s3cret-admin", bcryptjs_hash));
    BOOST_TEST(bcrypt_matches("U*U", openwall_hash));
}

BOOST_AUTO_TEST_CASE(refuses_a_wrong_password) {
    BOOST_TEST(!bcrypt_matches("s3cret-admim", bcryptjs_hash));
    BOOST_TEST(!bcrypt_matches("", bcryptjs_hash));
    BOOST_TEST(!bcrypt_matches("U*V", openwall_hash));
}

BOOST_AUTO_TEST_CASE(accepts_the_2b_and_2y_prefixes) {
    // For ASCII passwords the three prefixes hash alike (htpasswd writes $2y$, Python $2b$).
    for (char const* prefix : {"$2b$", "$2y$"}) {
        auto const hash = std::string(prefix) + bcryptjs_hash.substr(4);
        BOOST_TEST(bcrypt_matches("s3cret-admin", hash), hash);
        BOOST_TEST(!bcrypt_matches("wrong", hash), hash);
    }
}

BOOST_AUTO_TEST_CASE(refuses_malformed_hashes_and_nul_bytes) {
    BOOST_TEST(!bcrypt_matches("s3cret-admin", "s3cret-admin"));
    BOOST_TEST(!bcrypt_matches("s3cret-admin", bcryptjs_hash.substr(0, 59)));
    BOOST_TEST(!bcrypt_matches(std::string("s3cret-admin\0x", 14), bcryptjs_hash));
    BOOST_TEST(!bcrypt_matches("x", "$1$abcdefgh$0123456789012345678901"));
}

BOOST_AUTO_TEST_CASE(recognises_the_form_of_a_hash) {
    BOOST_TEST(is_bcrypt_hash(bcryptjs_hash));
    BOOST_TEST(is_bcrypt_hash(openwall_hash));
    BOOST_TEST(!is_bcrypt_hash(""));
    BOOST_TEST(!is_bcrypt_hash("secret"));
    BOOST_TEST(!is_bcrypt_hash("$2x" + bcryptjs_hash.substr(3)));    // unknown variant
    BOOST_TEST(!is_bcrypt_hash("$2a$03" + bcryptjs_hash.substr(6))); // cost below 4
    BOOST_TEST(!is_bcrypt_hash("$2a$32" + bcryptjs_hash.substr(6))); // cost above 31
    BOOST_TEST(!is_bcrypt_hash(bcryptjs_hash.substr(0, 59) + "!"));  // not bcrypt's base64
    BOOST_TEST(!is_bcrypt_hash(bcryptjs_hash + "A"));
}

BOOST_AUTO_TEST_SUITE_END()
