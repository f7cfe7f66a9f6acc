// msgpack as notepack.io writes and reads it: formats chosen as Node does, values as JS sees
// them.
#include "sio/cluster/msgpack.hpp"
#include "sio/protocol/packet.hpp"

#include "cluster/hex.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <variant>

namespace json = boost::json;
using namespace sio::cluster;
using sio::cluster::test::from_hex;
using sio::cluster::test::to_hex;
using sio::protocol::make_placeholder;

namespace {

std::string packed(json::value const& v) {
    mp::writer w;
    w.value(v);
    return to_hex(w.bytes());
}

std::string packed_number(double d) {
    mp::writer w;
    w.number(d);
    return to_hex(w.bytes());
}

mp::decoded read_ok(std::string const& bytes) {
    auto r = mp::read(bytes);
    if (auto const* e = std::get_if<std::string>(&r))
        BOOST_FAIL("read failed: " << *e);
    return std::get<mp::decoded>(std::move(r));
}

json::value read_hex(std::string_view hex) {
    return read_ok(from_hex(hex)).value;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_msgpack)

BOOST_AUTO_TEST_CASE(numbers_as_notepack_writes_the_emitters_payload) {
    // The emitter's EMITTER_ALL payload in the shared notes (section 7).
    BOOST_TEST(packed(42) == "2a");
    BOOST_TEST(packed(-7) == "f9");
    BOOST_TEST(packed(300) == "cd 01 2c");
    BOOST_TEST(packed(70000) == "ce 00 01 11 70");
    BOOST_TEST(packed(std::int64_t{1} << 40) == "cf 00 00 01 00 00 00 00 00");
    BOOST_TEST(packed(1.5) == "cb 3f f8 00 00 00 00 00 00");
    BOOST_TEST(packed(nullptr) == "c0");
    BOOST_TEST(packed("ünïcødé ✓ 😀") ==
               "b4 c3 bc 6e c3 af 63 c3 b8 64 c3 a9 20 e2 9c 93 20 f0 9f 98 80");
}

BOOST_AUTO_TEST_CASE(integer_formats_smallest_first) {
    BOOST_TEST(packed(0) == "00");
    BOOST_TEST(packed(127) == "7f");
    BOOST_TEST(packed(128) == "cc 80");
    BOOST_TEST(packed(255) == "cc ff");
    BOOST_TEST(packed(256) == "cd 01 00");
    BOOST_TEST(packed(65536) == "ce 00 01 00 00");
    BOOST_TEST(packed(std::uint64_t{1} << 32) == "cf 00 00 00 01 00 00 00 00");
    BOOST_TEST(packed(std::numeric_limits<std::uint64_t>::max()) == "cf ff ff ff ff ff ff ff ff");
    BOOST_TEST(packed(-1) == "ff");
    BOOST_TEST(packed(-32) == "e0");
    BOOST_TEST(packed(-33) == "d0 df");
    BOOST_TEST(packed(-128) == "d0 80");
    BOOST_TEST(packed(-129) == "d1 ff 7f");
    BOOST_TEST(packed(-32769) == "d2 ff ff 7f ff");
    BOOST_TEST(packed(std::numeric_limits<std::int64_t>::min()) == "d3 80 00 00 00 00 00 00 00");
}

BOOST_AUTO_TEST_CASE(doubles_as_js_numbers) {
    // JS has no integer type: notepack writes an integral number as an integer.
    BOOST_TEST(packed_number(2.0) == "02");
    BOOST_TEST(packed_number(-0.0) == "00");
    BOOST_TEST(packed_number(-3.0) == "fd");
    BOOST_TEST(packed_number(1e15) == "cf 00 03 8d 7e a4 c6 80 00");
    BOOST_TEST(packed_number(9223372036854775808.0) == "cf 80 00 00 00 00 00 00 00");
    BOOST_TEST(packed_number(-9223372036854775808.0) == "d3 80 00 00 00 00 00 00 00");
    BOOST_TEST(packed_number(2.5) == "cb 40 04 00 00 00 00 00 00");
    BOOST_TEST(packed_number(-0.5) == "cb bf e0 00 00 00 00 00 00");
    BOOST_TEST(packed_number(std::numeric_limits<double>::infinity()) ==
               "cb 7f f0 00 00 00 00 00 00");
    BOOST_TEST(packed_number(std::nan("")).starts_with("cb 7f f8"));
    // Beyond 64 bits notepack's integer path garbles the value; float64 keeps it.
    BOOST_TEST(packed_number(18446744073709551616.0) == "cb 43 f0 00 00 00 00 00 00");
    BOOST_TEST(packed_number(-1e19) == "cb c3 e1 58 e4 60 91 3d 00");
}

BOOST_AUTO_TEST_CASE(string_and_container_formats) {
    BOOST_TEST(packed(json::string(std::string(31, 'x'))).starts_with("bf 78"));
    BOOST_TEST(packed(json::string(std::string(32, 'x'))).starts_with("d9 20 78"));
    BOOST_TEST(packed(json::string(std::string(256, 'x'))).starts_with("da 01 00 78"));
    BOOST_TEST(packed(json::string(std::string(65536, 'x'))).starts_with("db 00 01 00 00 78"));
    json::array fifteen(15, 1);
    json::array sixteen(16, 1);
    BOOST_TEST(packed(fifteen).starts_with("9f 01"));
    BOOST_TEST(packed(sixteen).starts_with("dc 00 10 01"));
    json::object sixteen_keys;
    for (int i = 0; i < 16; ++i)
        sixteen_keys[std::string(1, static_cast<char>('a' + i))] = i;
    BOOST_TEST(packed(sixteen_keys).starts_with("de 00 10 a1 61 00"));
    BOOST_TEST(packed(json::object{{"b", true}, {"a", false}}) == "82 a1 62 c3 a1 61 c2");
}

BOOST_AUTO_TEST_CASE(binary_formats_and_round_trips) {
    for (std::size_t const size : {0u, 3u, 255u, 256u, 65535u, 65536u, 70000u}) {
        BOOST_TEST_CONTEXT("size " << size) {
            std::string bytes(size, '\0');
            for (std::size_t i = 0; i < size; ++i)
                bytes[i] = static_cast<char>(i * 7);
            std::vector<std::string> const attachments{bytes};
            mp::writer w;
            w.value(json::array{"ev", make_placeholder(0)}, attachments);
            auto const hex = to_hex(w.bytes().substr(0, 9));
            if (size < 256)
                BOOST_TEST(hex.starts_with("92 a2 65 76 c4"));
            else if (size < 65536)
                BOOST_TEST(hex.starts_with("92 a2 65 76 c5"));
            else
                BOOST_TEST(hex.starts_with("92 a2 65 76 c6"));
            auto const back = read_ok(w.bytes());
            BOOST_TEST(back.value == (json::array{"ev", make_placeholder(0)}));
            BOOST_TEST(back.binaries == attachments);
        }
    }
    // As the cluster check's MONITOR log shows the emitter's 256 B and 70 000 B buffers.
    mp::writer w256;
    w256.bin(std::string(256, 'a'));
    BOOST_TEST(to_hex(w256.bytes().substr(0, 3)) == "c5 01 00");
    mp::writer w70k;
    w70k.bin(std::string(70000, 'a'));
    BOOST_TEST(to_hex(w70k.bytes().substr(0, 5)) == "c6 00 01 11 70");
}

BOOST_AUTO_TEST_CASE(nested_binary_in_order_of_appearance) {
    std::vector<std::string> const attachments{"first", "second", "third"};
    // Placeholders out of num order: the bytes are where the placeholders are.
    json::value const v = json::array{
        json::object{{"x", make_placeholder(2)}, {"y", json::array{make_placeholder(0)}}},
        make_placeholder(1)};
    mp::writer w;
    w.value(v, attachments);
    auto const back = read_ok(w.bytes());
    // Read back numbered in order of appearance.
    BOOST_TEST(back.value == (json::array{json::object{{"x", make_placeholder(0)},
                                                       {"y", json::array{make_placeholder(1)}}},
                                          make_placeholder(2)}));
    BOOST_TEST(back.binaries == (std::vector<std::string>{"third", "first", "second"}));
}

BOOST_AUTO_TEST_CASE(a_placeholder_without_its_attachment_stays_an_object) {
    mp::writer w;
    w.value(make_placeholder(3), std::vector<std::string>{"only one"});
    BOOST_TEST(to_hex(w.bytes()).starts_with("82 ac 5f 70 6c 61"));
    mp::writer none;
    none.value(make_placeholder(0));
    BOOST_TEST(to_hex(none.bytes()).starts_with("82"));
}

BOOST_AUTO_TEST_CASE(reading_values) {
    BOOST_TEST(read_hex("cf ff ff ff ff ff ff ff ff") ==
               json::value(std::numeric_limits<std::uint64_t>::max()));
    BOOST_TEST(read_hex("cf 00 00 01 00 00 00 00 00").is_int64());
    BOOST_TEST(read_hex("d3 80 00 00 00 00 00 00 00") ==
               json::value(std::numeric_limits<std::int64_t>::min()));
    BOOST_TEST(read_hex("ca 3f c0 00 00") == json::value(1.5)); // float32
    BOOST_TEST(read_hex("cb 3f f8 00 00 00 00 00 00") == json::value(1.5));
    BOOST_TEST(read_hex("c2") == json::value(false));
    BOOST_TEST(read_hex("c0").is_null());
    BOOST_TEST(read_hex("d9 03 61 62 63") == json::value("abc"));
    BOOST_TEST(read_hex("da 00 01 61") == json::value("a"));
    BOOST_TEST(read_hex("dc 00 02 01 02") == json::parse("[1,2]"));
    BOOST_TEST(read_hex("de 00 01 a1 61 01") == json::parse(R"({"a":1})"));
    // A later duplicate key wins, in the first one's place (as a JS object).
    BOOST_TEST(read_hex("83 a1 61 01 a1 62 02 a1 61 03") == json::parse(R"({"a":3,"b":2})"));
}

BOOST_AUTO_TEST_CASE(extensions_as_notepack_reads_them) {
    // Dates (timestamp ext -1) become what JSON.stringify writes for a Date.
    BOOST_TEST(read_hex("d6 ff 00 00 00 00") == json::value("1970-01-01T00:00:00.000Z"));
    BOOST_TEST(read_hex("d6 ff 6a 2a 5e 47") == json::value("2026-06-11T07:05:43.000Z"));
    // timestamp 64: 1 s + 5 ms (nanoseconds in the top 30 bits).
    BOOST_TEST(read_hex("d7 ff 01 31 2d 00 00 00 00 01") ==
               json::value("1970-01-01T00:00:01.005Z"));
    // timestamp 96 before 1970: -1 s + 0.5 s = -500 ms.
    BOOST_TEST(read_hex("c7 0c ff 1d cd 65 00 ff ff ff ff ff ff ff ff") ==
               json::value("1969-12-31T23:59:59.500Z"));
    // Out of a Date's range: an invalid Date, which JSON.stringify writes as null.
    BOOST_TEST(read_hex("c7 0c ff 00 00 00 00 7f ff ff ff ff ff ff ff").is_null());
    // Legacy: fixext 1 type 0 is undefined; ext type 0 an ArrayBuffer; fixext 8 type 0 a Date.
    BOOST_TEST(read_hex("d4 00 00").is_null());
    auto const ab = read_ok(from_hex("c7 02 00 01 02"));
    BOOST_TEST(ab.value == make_placeholder(0));
    BOOST_TEST(ab.binaries == std::vector<std::string>{std::string("\x01\x02")});
    BOOST_TEST(read_hex("d7 00 00 00 00 00 00 00 03 e8") ==
               json::value("1970-01-01T00:00:01.000Z"));
    // Any other extension: [type, bin].
    auto const other = read_ok(from_hex("d5 07 aa bb"));
    BOOST_TEST(other.value == (json::array{7, make_placeholder(0)}));
    BOOST_TEST(other.binaries == std::vector<std::string>{std::string("\xaa\xbb")});
}

BOOST_AUTO_TEST_CASE(a_far_date_has_an_extended_year) {
    // 8.64e15 ms, the last valid Date: +275760-09-13T00:00:00.000Z. As timestamp 96:
    // 8.64e12 s = 0x7dba8218000.
    BOOST_TEST(read_hex("c7 0c ff 00 00 00 00 00 00 07 db a8 21 80 00") ==
               json::value("+275760-09-13T00:00:00.000Z"));
}

BOOST_AUTO_TEST_CASE(unreadable) {
    auto error_of = [](std::string_view hex) {
        auto r = mp::read(from_hex(hex));
        auto const* e = std::get_if<std::string>(&r);
        return e == nullptr ? std::string("(read)") : *e;
    };
    BOOST_TEST(error_of("") == "msgpack ends early");
    BOOST_TEST(error_of("92 01") == "msgpack ends early");
    BOOST_TEST(error_of("c1") == "malformed msgpack at byte 0");
    BOOST_TEST(error_of("01 02") == "1 trailing bytes after the msgpack value");
    BOOST_TEST(error_of("81 01 02") == "a map key that is not a string");
    BOOST_TEST(error_of("81 c0 02") == "a map key that is not a string");
    BOOST_TEST(error_of("a2 c3 28") == "invalid UTF-8 in a string");       // bad continuation
    BOOST_TEST(error_of("a3 ed a0 80") == "invalid UTF-8 in a string");    // a surrogate
    BOOST_TEST(error_of("a2 c0 af") == "invalid UTF-8 in a string");       // overlong
    BOOST_TEST(error_of("a4 f4 90 80 80") == "invalid UTF-8 in a string"); // above U+10FFFF
}

BOOST_AUTO_TEST_SUITE_END()
