// Mutated request targets through decode_target (common/mutator.hpp): a decoded path never
// holds a segment that could climb out of the served folder.
#include "sio/http/static_path.hpp"

#include "common/mutator.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using sio::test::mutator;

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(request_targets_never_decode_to_a_way_out) {
    std::vector<std::string> const corpus{
        "/static/js/app.js?v=1",
        "/static/%2e%2e/secret",
        "/a/b/../c",
        "/%252e%252e/x",
        "/static/.hidden",
        "/x%00y",
        "/a%2fb",
        "/static//double",
    };
    mutator m(7);
    for (int i = 0; i < 20000; ++i) {
        auto const target = m.mutant(corpus);
        auto const d = http::decode_target(target);
        BOOST_TEST_REQUIRE(d.path.has_value() != d.error.has_value(), target);
        if (!d.path)
            continue;
        for (auto const& seg : d.path->segments) {
            BOOST_TEST_REQUIRE(!seg.empty(), target);
            BOOST_TEST_REQUIRE((seg != "." && seg != ".."), target);
            BOOST_TEST_REQUIRE(seg.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos,
                               target);
        }
        BOOST_TEST_REQUIRE(!http::join_segments(d.path->segments).starts_with('/'), target);
    }
}

BOOST_AUTO_TEST_SUITE_END()
