#include "sio/core/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace sio;

BOOST_AUTO_TEST_SUITE(core_metrics)

BOOST_AUTO_TEST_CASE(exposes_counters_gauges_and_histograms_in_text_format) {
    metrics::registry r;
    auto& ws = r.get_counter("x_handshakes_total", "Handshakes.", {{"transport", "websocket"}});
    auto& polling = r.get_counter("x_handshakes_total", "Handshakes.", {{"transport", "polling"}});
    BOOST_TEST(&ws == &r.get_counter("x_handshakes_total", "", {{"transport", "websocket"}}));
    ws.inc();
    ws.inc(2);
    polling.inc();
    auto& clients = r.get_gauge("x_clients", "Clients now.");
    clients.add(3);
    clients.sub();
    auto& h = r.get_histogram("x_seconds", "Handler time.", {0.001, 0.5});
    h.observe(0.0005);
    h.observe(0.001); // on a bound: counted in it (le is "less or equal")
    h.observe(0.25);
    h.observe(2);
    BOOST_TEST(r.expose() == "# HELP x_clients Clients now.\n"
                             "# TYPE x_clients gauge\n"
                             "x_clients 2\n"
                             "# HELP x_handshakes_total Handshakes.\n"
                             "# TYPE x_handshakes_total counter\n"
                             "x_handshakes_total{transport=\"websocket\"} 3\n"
                             "x_handshakes_total{transport=\"polling\"} 1\n"
                             "# HELP x_seconds Handler time.\n"
                             "# TYPE x_seconds histogram\n"
                             "x_seconds_bucket{le=\"0.001\"} 2\n"
                             "x_seconds_bucket{le=\"0.5\"} 3\n"
                             "x_seconds_bucket{le=\"+Inf\"} 4\n"
                             "x_seconds_sum 2.2515\n"
                             "x_seconds_count 4\n");
}

BOOST_AUTO_TEST_CASE(histogram_bucket_label_follows_the_series_labels) {
    metrics::registry r;
    r.get_histogram("h", "H.", {1}, {{"kind", "a"}}).observe(0.5);
    auto const text = r.expose();
    BOOST_TEST(text.find("h_bucket{kind=\"a\",le=\"1\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("h_bucket{kind=\"a\",le=\"+Inf\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("h_sum{kind=\"a\"} 0.5\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(escapes_label_values_and_help) {
    BOOST_TEST(metrics::render_labels({{"a", "x\"y\\z\nw"}, {"b", ""}}) ==
               "{a=\"x\\\"y\\\\z\\nw\",b=\"\"}");
    metrics::registry r;
    r.get_gauge("g", "line one\nback\\slash").add();
    BOOST_TEST(r.expose().starts_with("# HELP g line one\\nback\\\\slash\n"));
}

BOOST_AUTO_TEST_CASE(renders_values) {
    BOOST_TEST(metrics::render_value(0) == "0");
    BOOST_TEST(metrics::render_value(-3) == "-3");
    BOOST_TEST(metrics::render_value(0.25) == "0.25");
    BOOST_TEST(metrics::render_value(1.0 / 0.0) == "+Inf");
    BOOST_TEST(metrics::render_value(-1.0 / 0.0) == "-Inf");
    BOOST_TEST(metrics::render_value(0.0 / 0.0) == "NaN");
}

BOOST_AUTO_TEST_CASE(refuses_bad_names_and_type_clashes) {
    metrics::registry r;
    BOOST_CHECK_THROW(r.get_counter("1x", ""), std::invalid_argument);
    BOOST_CHECK_THROW(r.get_counter("a-b", ""), std::invalid_argument);
    BOOST_CHECK_THROW(r.get_counter("ok", "", {{"bad-label", "v"}}), std::invalid_argument);
    BOOST_CHECK_THROW(r.get_counter("ok", "", {{"__reserved", "v"}}), std::invalid_argument);
    BOOST_CHECK_THROW(r.get_histogram("h", "", {1}, {{"le", "1"}}), std::invalid_argument);
    BOOST_CHECK_THROW(r.get_histogram("h2", "", {2, 1}), std::invalid_argument);
    r.get_counter("c_total", "");
    BOOST_CHECK_THROW(r.get_gauge("c_total", ""), std::invalid_argument);
    BOOST_TEST(metrics::valid_name("a:b_c9"));
    BOOST_TEST(!metrics::valid_name("a:b", true));
}

BOOST_AUTO_TEST_CASE(collectors_add_samples_until_their_handle_goes) {
    metrics::registry r;
    {
        auto handle = r.add_collector("rooms", "Rooms.", metrics::type::gauge, [] {
            return std::vector<metrics::sample>{{{{"nsp", "/"}}, 4}, {{{"nsp", "/a"}}, 1}};
        });
        BOOST_TEST(r.expose() == "# HELP rooms Rooms.\n# TYPE rooms gauge\n"
                                 "rooms{nsp=\"/\"} 4\nrooms{nsp=\"/a\"} 1\n");
    }
    BOOST_TEST(r.expose() == "");
}

BOOST_AUTO_TEST_CASE(a_collector_may_remove_itself_while_it_runs) {
    // As when it drops the last reference to what owns its handle: no deadlock.
    metrics::registry r;
    std::optional<metrics::collector_handle> handle;
    handle = r.add_collector("once", "Once.", metrics::type::counter, [&handle] {
        handle.reset();
        return std::vector<metrics::sample>{{{}, 1}};
    });
    BOOST_TEST(r.expose() == "# HELP once Once.\n# TYPE once counter\nonce 1\n");
    BOOST_TEST(r.expose() == "");
}

BOOST_AUTO_TEST_CASE(counts_from_many_threads_add_up) {
    metrics::registry r;
    auto& c = r.get_counter("n_total", "N.");
    auto& h = r.get_histogram("t", "T.", {1});
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                c.inc();
                h.observe(0.5);
            }
        });
    threads.clear();
    BOOST_TEST(c.value() == 80000u);
    BOOST_TEST(h.read().cumulative.back() == 80000u);
    BOOST_TEST(h.read().sum == 40000.0);
}

BOOST_AUTO_TEST_SUITE_END()
