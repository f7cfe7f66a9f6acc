#include "sio/core/percent_decode.hpp"
#include "sio/http/static_path.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio::http;
using sio::percent_decode;

BOOST_AUTO_TEST_SUITE(http_static_path)

BOOST_AUTO_TEST_CASE(plain_targets_split_into_decoded_segments) {
    struct case_t {
        std::string target;
        std::vector<std::string> segments;
    };
    std::vector<case_t> const cases{
        {"/", {}},
        {"/static/js/bundle.js", {"static", "js", "bundle.js"}},
        {"/static/js/bundle.js?v=3#x", {"static", "js", "bundle.js"}},
        {"/static//css/style.css", {"static", "css", "style.css"}},
        {"/static/my%20file.txt", {"static", "my file.txt"}},
        {"/static/caf%C3%A9.txt", {"static", "caf\xC3\xA9.txt"}},
        {"/static/a..b", {"static", "a..b"}},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.target) {
            auto const d = decode_target(c.target);
            BOOST_TEST_REQUIRE(!d.error);
            BOOST_TEST(d.path->segments == c.segments, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(every_traversal_form_is_refused_as_malformed) {
    std::vector<std::string> const attacks{
        "/static/../secret.txt",
        "/static/js/../../secret.txt",
        "/..",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/.%2e/secret.txt",
        "/static/%2e%2e%2fsecret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%2Fsecret.txt",
        "/static/js%2f..%2f..%2fsecret.txt",
        "/static/%252e%252e/secret.txt",
        "/static/%252e%252e%252fsecret.txt",
        "/static/..\\secret.txt",
        "/static/%5c..%5csecret.txt",
        "/static/file%00.js",
        "/static/./js/bundle.js",
        "/static/%",
        "/static/%zz",
        "/static/%2",
        "secret.txt",
        "http://example.com/static/x",
        "",
        "*",
    };
    for (auto const& target : attacks) {
        BOOST_TEST_CONTEXT(target) {
            auto const d = decode_target(target);
            BOOST_TEST(!d.path);
            BOOST_TEST_REQUIRE(d.error.has_value());
            BOOST_TEST((*d.error == target_error::malformed));
        }
    }
}

BOOST_AUTO_TEST_CASE(dot_files_are_hidden) {
    for (std::string target : {"/static/.env", "/static/js/.git/config", "/static/%2eenv"}) {
        BOOST_TEST_CONTEXT(target) {
            auto const d = decode_target(target);
            BOOST_TEST_REQUIRE(d.error.has_value());
            BOOST_TEST((*d.error == target_error::hidden));
        }
    }
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
    BOOST_TEST(percent_decode("a%20b").value() == "a b");
    BOOST_TEST(percent_decode("%41%62").value() == "Ab");
    BOOST_TEST(!percent_decode("%4"));
    BOOST_TEST(!percent_decode("%g0"));
    BOOST_TEST(percent_decode("plain").value() == "plain");
}

BOOST_AUTO_TEST_SUITE_END()
