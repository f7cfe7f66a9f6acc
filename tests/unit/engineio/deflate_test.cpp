#include "sio/engineio/deflate.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio::engineio;

BOOST_AUTO_TEST_SUITE(engineio_deflate)

BOOST_AUTO_TEST_CASE(deflate_offers_are_negotiated_per_rfc_7692) {
    BOOST_TEST(!deflate::negotiate(""));
    BOOST_TEST(!deflate::negotiate("x-webkit-deflate-frame"));
    BOOST_TEST(!deflate::negotiate("permessage-deflate; unknown_param"));
    BOOST_TEST(!deflate::negotiate("permessage-deflate; server_max_window_bits=8"));
    BOOST_TEST(!deflate::negotiate("permessage-deflate; server_max_window_bits=16"));
    // The first acceptable offer wins.
    auto a = deflate::negotiate("permessage-deflate; server_max_window_bits=8, permessage-deflate; "
                                "server_max_window_bits=10");
    BOOST_REQUIRE(a);
    BOOST_TEST(a->server_window_bits == 10);
    BOOST_TEST(a->terms.ends_with("; server_max_window_bits=10"));
}

BOOST_AUTO_TEST_CASE(deflate_round_trips_and_bounds_the_inflated_size) {
    std::string text;
    for (int i = 0; i < 500; ++i)
        text += "42[\"hello\",\"world\"]";
    auto const packed = deflate::compress(text);
    BOOST_TEST(packed.size() < text.size() / 10);
    std::string out;
    BOOST_TEST((deflate::decompress(packed, 1'000'000, out) == deflate::inflate_status::ok));
    BOOST_TEST(out == text);
    BOOST_TEST((deflate::decompress(packed, 1000, out) == deflate::inflate_status::too_big));
    BOOST_TEST((deflate::decompress("\xff\xff\xff garbage", 1000, out) ==
                deflate::inflate_status::corrupt));
    // No context takeover: the same message compresses the same way twice.
    BOOST_TEST(deflate::compress(text) == packed);
}

BOOST_AUTO_TEST_SUITE_END()
