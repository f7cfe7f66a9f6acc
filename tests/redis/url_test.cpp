#include "sio/redis/url.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

using sio::redis::parse_url;

namespace {

/// The message of the invalid_argument that parse_url throws, or "" if it does not.
std::string refusal(std::string_view text) {
    try {
        (void)parse_url(text);
    } catch (std::invalid_argument const& e) {
        return e.what();
    }
    return {};
}

bool says(std::string_view text, std::string_view part) {
    auto const message = refusal(text);
    BOOST_TEST_INFO("message: " << message);
    return message.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_url)

BOOST_AUTO_TEST_CASE(full_form) {
    auto const u = parse_url("redis://alice:s3cret@cache.local:6380/2");
    BOOST_TEST(u.host == "cache.local");
    BOOST_TEST(u.port == 6380);
    BOOST_TEST(u.user == "alice");
    BOOST_TEST(u.password == "s3cret");
    BOOST_TEST(u.db == 2u);
}

BOOST_AUTO_TEST_CASE(defaults) {
    auto const u = parse_url("redis://example.org");
    BOOST_TEST(u.host == "example.org");
    BOOST_TEST(u.port == 6379);
    BOOST_TEST(u.user.empty());
    BOOST_TEST(u.password.empty());
    BOOST_TEST(u.db == 0u);
    BOOST_TEST(parse_url("redis://h/").db == 0u);
}

BOOST_AUTO_TEST_CASE(password_only_and_encoded) {
    auto const u = parse_url("redis://:p%40ss%3Aw%2Fd@10.0.0.1:7000");
    BOOST_TEST(u.user.empty());
    BOOST_TEST(u.password == "p@ss:w/d");
    BOOST_TEST(u.host == "10.0.0.1");
    BOOST_TEST(u.port == 7000);
    // An unencoded '@' in the password: the last '@' ends the user info.
    BOOST_TEST(parse_url("redis://:a@b@host").password == "a@b");
}

BOOST_AUTO_TEST_CASE(no_scheme) {
    auto const u = parse_url("127.0.0.1:6390");
    BOOST_TEST(u.host == "127.0.0.1");
    BOOST_TEST(u.port == 6390);
    BOOST_TEST(parse_url("localhost").host == "localhost");
    BOOST_TEST(parse_url("localhost").port == 6379);
}

BOOST_AUTO_TEST_CASE(ipv6) {
    auto const u = parse_url("redis://[::1]:6381/1");
    BOOST_TEST(u.host == "::1");
    BOOST_TEST(u.port == 6381);
    BOOST_TEST(u.db == 1u);
    BOOST_TEST(parse_url("[fe80::1]").port == 6379);
}

BOOST_AUTO_TEST_CASE(bad_input_says_why) {
    BOOST_TEST(says("", "empty"));
    BOOST_TEST(says("rediss://h", "TLS"));
    BOOST_TEST(says("http://h", "scheme"));
    BOOST_TEST(says("redis://h:0", "port"));
    BOOST_TEST(says("redis://h:65536", "port"));
    BOOST_TEST(says("redis://h:12ab", "port"));
    BOOST_TEST(says("redis://h:", "port"));
    BOOST_TEST(says("redis://h/x", "database"));
    BOOST_TEST(says("redis://h/1/2", "database"));
    BOOST_TEST(says("redis://:6379", "host"));
    BOOST_TEST(says("redis://secret@h", "':'"));
    BOOST_TEST(says("redis://user:@h", "without a password"));
    BOOST_TEST(says("redis://:%zz@h", "hex"));
    BOOST_TEST(says("redis://:%4@h", "hex"));
    BOOST_TEST(says("redis://::1:6379", "brackets"));
    BOOST_TEST(says("redis://[::1", "']'"));
    BOOST_TEST(says("redis://h?db=1", "query"));
    // The message quotes the URL.
    BOOST_TEST(says("redis://h:99999", "\"redis://h:99999\""));
}

BOOST_AUTO_TEST_SUITE_END()
