#include "sio/core/log.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio;

BOOST_AUTO_TEST_SUITE(core_log)

BOOST_AUTO_TEST_CASE(json_quote_escapes_what_json_requires) {
    BOOST_TEST(log::json_quote("") == R"("")");
    BOOST_TEST(log::json_quote("plain text") == R"("plain text")");
    BOOST_TEST(log::json_quote("a\"b\\c") == R"("a\"b\\c")");
    BOOST_TEST(log::json_quote("l1\nl2\r\t") == R"("l1\nl2\r\t")");
    BOOST_TEST(log::json_quote(std::string("\x01\x1f\x7f\0", 4)) ==
               R"("\u0001\u001f\u007f\u0000")");
    // Valid UTF-8 passes through; the slash needs no escape.
    BOOST_TEST(log::json_quote("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 /") ==
               "\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 /\"");
}

BOOST_AUTO_TEST_CASE(json_quote_replaces_bytes_that_are_not_utf8) {
    // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, > U+10FFFF.
    BOOST_TEST(log::json_quote("a\x80z") == R"("a\ufffdz")");
    BOOST_TEST(log::json_quote("\xe2\x82") == R"("\ufffd\ufffd")");
    BOOST_TEST(log::json_quote("\xc0\xaf") == R"("\ufffd\ufffd")");
    BOOST_TEST(log::json_quote("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");
    BOOST_TEST(log::json_quote("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");
}

BOOST_AUTO_TEST_CASE(every_byte_string_quotes_to_json_that_parses_back) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    auto const parsed = boost::json::parse(log::json_quote(all));
    auto const& s = parsed.as_string();
    // The ASCII half comes back unchanged; each of the other 128 bytes is one U+FFFD.
    BOOST_TEST(std::string_view(s).substr(0, 128) == std::string_view(all).substr(0, 128));
    BOOST_TEST(s.size() == 128u + 128u * 3u);
}

BOOST_AUTO_TEST_CASE(json_lines_have_time_level_and_msg) {
    auto const when = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} +
                      std::chrono::hours{3} + std::chrono::minutes{4} +
                      std::chrono::milliseconds{5678};
    BOOST_TEST(log::format_line(log::format::json, log::level::warn, "say \"hi\"", when) ==
               R"({"time":"2026-01-02T03:04:05.678Z","level":"warn","msg":"say \"hi\""})");
    BOOST_TEST(log::format_line(log::format::text, log::level::info, "hi", when) ==
               "2026-01-02T03:04:05.678Z info  hi");
    BOOST_TEST((log::parse_format("json") == log::format::json));
    BOOST_TEST(!log::parse_format("xml"));
}

BOOST_AUTO_TEST_SUITE_END()
