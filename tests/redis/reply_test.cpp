#include "sio/redis/reply.hpp"

#include "redis/print.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using sio::redis::format_command;
using sio::redis::protocol_error;
using sio::redis::reply;
using sio::redis::reply_reader;
using kind = sio::redis::reply::kind;
using namespace std::string_literals;

namespace {

std::string bulk(std::string const& s) {
    return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

/// Feeds `wire` one byte at a time and takes every reply as soon as it is whole.
std::vector<reply> bytewise(std::string const& wire, reply_reader& rd) {
    std::vector<reply> out;
    for (char c : wire) {
        rd.feed(std::string_view(&c, 1));
        while (auto r = rd.next())
            out.push_back(std::move(*r));
    }
    return out;
}

std::vector<reply> bytewise(std::string const& wire) {
    reply_reader rd;
    return bytewise(wire, rd);
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_reply)

BOOST_AUTO_TEST_CASE(pmessage_with_binary_payload_one_byte_at_a_time) {
    auto const payload = "a\0b\r\nc\r\n"s;
    auto const wire = "*4\r\n"s + bulk("pmessage") + bulk("socket.io#/#*") +
                      bulk("socket.io#/#room#") + bulk(payload);
    auto const replies = bytewise(wire);
    BOOST_TEST_REQUIRE(replies.size() == 1u);
    auto const& r = replies[0];
    BOOST_TEST(r.type == kind::array);
    BOOST_TEST_REQUIRE(r.elements.size() == 4u);
    BOOST_TEST(r.elements[0].str == "pmessage");
    BOOST_TEST(r.elements[1].str == "socket.io#/#*");
    BOOST_TEST(r.elements[2].str == "socket.io#/#room#");
    BOOST_TEST(r.elements[3].type == kind::string);
    BOOST_TEST(r.elements[3].str == payload);
    BOOST_TEST(r.elements[3].str.size() == 8u);
}

BOOST_AUTO_TEST_CASE(every_kind) {
    auto const wire = "+OK\r\n"s                                     // status
                      "-ERR wrong type\r\n"                          // error
                      ":-9223372036854775807\r\n"                    // integer
                      "$-1\r\n"                                      // nil bulk
                      "*-1\r\n"                                      // nil array
                      "*0\r\n"                                       // empty array
                      "$0\r\n\r\n"                                   // empty string
                      "*3\r\n:1\r\n*2\r\n$1\r\nx\r\n$-1\r\n+in\r\n"; // nested
    auto const r = bytewise(wire);
    BOOST_TEST_REQUIRE(r.size() == 8u);
    BOOST_TEST((r[0].type == kind::status && r[0].str == "OK"));
    BOOST_TEST((r[1].type == kind::error && r[1].str == "ERR wrong type"));
    BOOST_TEST(r[2].type == kind::integer);
    BOOST_TEST(r[2].integer == -9223372036854775807LL);
    BOOST_TEST(r[3].type == kind::nil);
    BOOST_TEST(r[4].type == kind::nil);
    BOOST_TEST((r[5].type == kind::array && r[5].elements.empty()));
    BOOST_TEST((r[6].type == kind::string && r[6].str.empty()));
    auto const& n = r[7];
    BOOST_TEST_REQUIRE(n.elements.size() == 3u);
    BOOST_TEST(n.elements[0].integer == 1);
    BOOST_TEST_REQUIRE(n.elements[1].elements.size() == 2u);
    BOOST_TEST(n.elements[1].elements[0].str == "x");
    BOOST_TEST(n.elements[1].elements[1].type == kind::nil);
    BOOST_TEST((n.elements[2].type == kind::status && n.elements[2].str == "in"));
}

BOOST_AUTO_TEST_CASE(many_replies_in_one_feed_and_split_feeds) {
    reply_reader rd;
    std::string wire;
    for (int i = 0; i < 1000; ++i)
        wire += ":" + std::to_string(i) + "\r\n";
    rd.feed(std::string_view(wire).substr(0, 2500));
    rd.feed(std::string_view(wire).substr(2500));
    for (int i = 0; i < 1000; ++i) {
        auto r = rd.next();
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST(r->integer == i);
    }
    BOOST_TEST(!rd.next().has_value());
}

BOOST_AUTO_TEST_CASE(garbage_is_a_protocol_error) {
    reply_reader rd;
    rd.feed("?what\r\n");
    BOOST_CHECK_THROW(rd.next(), protocol_error);
    // The reader stays failed.
    BOOST_CHECK_THROW(rd.next(), protocol_error);
    BOOST_CHECK_THROW(rd.feed("+OK\r\n"), protocol_error);

    reply_reader bad_int;
    bad_int.feed(":12x\r\n");
    BOOST_CHECK_THROW(bad_int.next(), protocol_error);

    reply_reader bad_len;
    bad_len.feed("$-5\r\n");
    BOOST_CHECK_THROW(bad_len.next(), protocol_error);

    // Garbage after a good reply: the good one first.
    reply_reader mixed;
    mixed.feed("+OK\r\n!");
    BOOST_TEST(mixed.next()->str == "OK");
    BOOST_CHECK_THROW(mixed.next(), protocol_error);
}

BOOST_AUTO_TEST_CASE(oversized_replies_are_refused) {
    // A bulk string by its declared length, before its bytes come.
    reply_reader declared(1000);
    declared.feed("$100000000\r\n");
    BOOST_CHECK_THROW(declared.next(), protocol_error);
    BOOST_CHECK_THROW(declared.feed("x"), protocol_error); // and it stays failed
    // ... even before the length line ends.
    reply_reader partial(1000);
    partial.feed("$99999");
    BOOST_CHECK_THROW(partial.next(), protocol_error);
    // An array by its declared element count.
    reply_reader array(1000);
    array.feed("*2147483647\r\n");
    BOOST_CHECK_THROW(array.next(), protocol_error);
    // A line that never ends, by what is buffered.
    reply_reader line(1000);
    line.feed("+" + std::string(999, 'a'));
    BOOST_TEST(!line.next().has_value());
    line.feed(std::string(10, 'a'));
    BOOST_CHECK_THROW(line.next(), protocol_error);
    // A nested bulk counts what its parent already holds.
    reply_reader nested(1000);
    nested.feed("*2\r\n" + bulk(std::string(600, 'x')) + "$600\r\n");
    BOOST_CHECK_THROW(nested.next(), protocol_error);
    // What fits passes, and the message says why it did not.
    reply_reader fits(1000);
    fits.feed(bulk(std::string(500, 'y')));
    BOOST_TEST(fits.next()->str.size() == 500u);
    try {
        reply_reader r(100);
        r.feed("$1000\r\n");
        r.next();
        BOOST_FAIL("not refused");
    } catch (protocol_error const& e) {
        BOOST_TEST(std::string(e.what()).find("max_reply_bytes") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_limit_is_per_reply) {
    reply_reader rd(1000);
    std::string wire;
    for (int i = 0; i < 20; ++i)
        wire += bulk(std::string(400, 'z'));
    std::size_t got = 0;
    for (std::size_t at = 0; at < wire.size(); at += 300) {
        rd.feed(std::string_view(wire).substr(at, 300));
        while (auto r = rd.next())
            got += r->str.size();
    }
    BOOST_TEST(got == 8000u);
}

BOOST_AUTO_TEST_CASE(format_command_is_binary_safe) {
    std::vector<std::string> const args{"PUBLISH", "chan\r\n", "a\0b\r\n"s, ""};
    auto const frame = format_command(args);
    BOOST_TEST(frame == "*4\r\n$7\r\nPUBLISH\r\n$6\r\nchan\r\n\r\n$5\r\na\0b\r\n\r\n$0\r\n\r\n"s);
    // A command is an array of bulk strings: the reader reads it back unchanged.
    auto const back = bytewise(frame);
    BOOST_TEST_REQUIRE(back.size() == 1u);
    BOOST_TEST_REQUIRE(back[0].elements.size() == args.size());
    for (std::size_t i = 0; i < args.size(); ++i)
        BOOST_TEST(back[0].elements[i].str == args[i]);

    std::vector<std::string_view> const views{"SET", "k", std::string_view("\0\0", 2)};
    BOOST_TEST(format_command(views) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\0\0\r\n"s);
}

BOOST_AUTO_TEST_SUITE_END()
