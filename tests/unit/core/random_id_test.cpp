#include "sio/core/random_id.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

BOOST_AUTO_TEST_SUITE(core_random_id)

BOOST_AUTO_TEST_CASE(session_ids_are_url_safe_and_distinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto const sid = sio::random_id();
        BOOST_TEST_REQUIRE(sid.size() == 20u); // 15 random bytes = 120 bits
        BOOST_TEST(sid.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_") == std::string::npos);
        seen.insert(sid);
    }
    BOOST_TEST(seen.size() == 2000u);
}

BOOST_AUTO_TEST_SUITE_END()
