#include "sio/http/conditional.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using namespace sio::http;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(http_conditional)

BOOST_AUTO_TEST_CASE(etag_is_weak_and_changes_with_content) {
    auto const a = make_etag("hello");
    BOOST_TEST(a.starts_with("W/\"5-"));
    BOOST_TEST(a.back() == '"');
    BOOST_TEST(a == make_etag("hello"));
    BOOST_TEST(a != make_etag("hellp"));
}

BOOST_AUTO_TEST_CASE(http_date_round_trip) {
    auto const t = sys_days{year{1994} / 11 / 6} + hours{8} + minutes{49} + seconds{37};
    BOOST_TEST(format_http_date(t) == "Sun, 06 Nov 1994 08:49:37 GMT");
    BOOST_TEST((parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t));
    BOOST_TEST(!parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("garbage"));
    BOOST_TEST(!parse_http_date(""));
}

BOOST_AUTO_TEST_CASE(if_none_match) {
    auto const tag = std::string("W/\"5-abc\"");
    BOOST_TEST(etag_matches("W/\"5-abc\"", tag));
    BOOST_TEST(etag_matches("\"5-abc\"", tag)); // weak comparison
    BOOST_TEST(etag_matches("\"x\", W/\"5-abc\"", tag));
    BOOST_TEST(etag_matches("*", tag));
    BOOST_TEST(!etag_matches("\"5-abd\"", tag));
}

BOOST_AUTO_TEST_CASE(not_modified_rules) {
    auto const lm = sys_days{year{2024} / 1 / 2} + hours{3};
    auto const tag = make_etag("x");
    auto const lm_text = format_http_date(lm);
    auto const earlier = format_http_date(lm - seconds{1});
    BOOST_TEST(is_not_modified(tag, "", tag, lm));
    BOOST_TEST(!is_not_modified("\"other\"", "", tag, lm));
    BOOST_TEST(is_not_modified("", lm_text, tag, lm));
    BOOST_TEST(!is_not_modified("", earlier, tag, lm));
    // If-None-Match takes precedence over If-Modified-Since.
    BOOST_TEST(!is_not_modified("\"other\"", lm_text, tag, lm));
    BOOST_TEST(!is_not_modified("", "not a date", tag, lm));
    BOOST_TEST(!is_not_modified("", "", tag, lm));
}

BOOST_AUTO_TEST_CASE(accept_encoding_negotiation) {
    BOOST_TEST(accepts_gzip("gzip"));
    BOOST_TEST(accepts_gzip("gzip, deflate, br"));
    BOOST_TEST(accepts_gzip("deflate, GZIP;q=0.5"));
    BOOST_TEST(accepts_gzip("x-gzip"));
    BOOST_TEST(accepts_gzip("*"));
    BOOST_TEST(accepts_gzip("br;q=1.0, *;q=0.1"));
    BOOST_TEST(!accepts_gzip(""));
    BOOST_TEST(!accepts_gzip("identity"));
    BOOST_TEST(!accepts_gzip("br, deflate"));
    BOOST_TEST(!accepts_gzip("gzip;q=0"));
    BOOST_TEST(!accepts_gzip("gzip;q=0, *"));
    BOOST_TEST(!accepts_gzip("*;q=0"));
    BOOST_TEST(!accepts_gzip("gzip;q=bogus"));
}

BOOST_AUTO_TEST_SUITE_END()
