#include "sio/http/content_type.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace sio::http;

BOOST_AUTO_TEST_SUITE(http_content_type)

BOOST_AUTO_TEST_CASE(types_by_extension) {
    std::vector<std::pair<std::string, std::string>> const cases{
        {"index.html", "text/html; charset=utf-8"},
        {"js/bundle.js", "text/javascript; charset=utf-8"},
        {"js/bundle.js.map", "application/json; charset=utf-8"},
        {"css/style.css", "text/css; charset=utf-8"},
        {"favicon.svg", "image/svg+xml"},
        {"LOGO.PNG", "image/png"},
        {"font.woff2", "font/woff2"},
        {"data.json", "application/json; charset=utf-8"},
        {"Makefile", "application/octet-stream"},
        {".hidden", "application/octet-stream"},
        {"archive.tar.unknownext", "application/octet-stream"},
    };
    for (auto const& [name, type] : cases) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(content_type_for(name) == type);
        }
    }
}

BOOST_AUTO_TEST_CASE(compressible_types) {
    BOOST_TEST(is_compressible("text/html; charset=utf-8"));
    BOOST_TEST(is_compressible("text/javascript; charset=utf-8"));
    BOOST_TEST(is_compressible("application/json; charset=utf-8"));
    BOOST_TEST(is_compressible("image/svg+xml"));
    BOOST_TEST(!is_compressible("image/png"));
    BOOST_TEST(!is_compressible("font/woff2"));
    BOOST_TEST(!is_compressible("application/octet-stream"));
}

BOOST_AUTO_TEST_SUITE_END()
