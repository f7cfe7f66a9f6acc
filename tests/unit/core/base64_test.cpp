#include "sio/core/base64.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio;

BOOST_AUTO_TEST_SUITE(core_base64)

BOOST_AUTO_TEST_CASE(base64_round_trips) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    for (std::size_t n = 0; n <= all.size(); n += 1) {
        auto const slice = all.substr(0, n);
        BOOST_TEST(base64::decode(base64::encode(slice)).value() == slice);
    }
    BOOST_TEST(base64::encode("\x01\x02\x03\x04") == "AQIDBA==");
    BOOST_TEST(base64::encode(std::string("\xff\x00", 2)) == "/wA=");
    BOOST_TEST(base64::encode_url(std::string("\xfb\xff", 2)) == "-_8");
}

BOOST_AUTO_TEST_SUITE_END()
