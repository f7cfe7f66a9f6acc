#include "sio/http/file_cache.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio::http;

BOOST_AUTO_TEST_SUITE(http_file_cache)

BOOST_AUTO_TEST_CASE(gzip_round_trip) {
    std::string text;
    for (int i = 0; i < 1000; ++i)
        text += "console.log('[socket.io] Connected.');\n";
    auto const gz = gzip_compress(text);
    BOOST_TEST(gz.size() < text.size() / 10);
    BOOST_TEST(static_cast<unsigned char>(gz[0]) == 0x1f); // gzip magic
    BOOST_TEST(static_cast<unsigned char>(gz[1]) == 0x8b);
    BOOST_TEST(gzip_decompress(gz).value() == text);
    BOOST_TEST(!gzip_decompress("not gzip at all"));
    BOOST_TEST(gzip_decompress(gzip_compress("")).value().empty());
}

BOOST_AUTO_TEST_SUITE_END()
