// The HTTP server and static files, in-process on 127.0.0.1:0, through a Beast client.
#include "sio/http/file_cache.hpp"
#include "sio/http/server.hpp"
#include "sio/http/static_files.hpp"

#include "common/http_client.hpp"
#include "common/io_runner.hpp"
#include "common/temp_www.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>

using namespace sio;
using namespace sio::test;
using namespace std::chrono_literals;

namespace {

/// Answers after a delay, to have a response in flight while the server stops.
class slow_handler final : public http::request_handler {
public:
    std::uint64_t body_limit() const override { return 16; }
    awaitable<http::after_response> handle(http::connection& conn, http::request& req) override {
        started = true;
        net::steady_timer t(co_await net::this_coro::executor, 300ms);
        co_await t.async_wait(use_tuple);
        co_return co_await conn.send(
            http::make_text_response(http::status::ok, "slow " + req.body(), req.keep_alive()));
    }
    std::atomic<bool> started{false};
};

/// Notes each body through body_begins() and answers at once, then lingers: the note must
/// be gone by the time the client has the answer.
class noting_handler final : public http::request_handler {
public:
    std::uint64_t body_limit() const override { return 1024; }
    body_ticket body_begins(http::request const&) override {
        in_progress = true;
        return {false, std::shared_ptr<void>(nullptr, [this](void*) { in_progress = false; })};
    }
    awaitable<http::after_response> handle(http::connection& conn, http::request& req) override {
        auto const next =
            co_await conn.send(http::make_text_response(http::status::ok, "ok", req.keep_alive()));
        net::steady_timer t(co_await net::this_coro::executor, 300ms);
        co_await t.async_wait(use_tuple);
        co_return next;
    }
    std::atomic<bool> in_progress{false};
};

struct server_fixture {
    temp_www www;
    io_runner io;
    http::server server{io.ioc(), config()};
    std::shared_ptr<slow_handler> slow = std::make_shared<slow_handler>();
    std::shared_ptr<noting_handler> noting = std::make_shared<noting_handler>();
    tcp::endpoint ep;

    static http::server_config config() {
        http::server_config c;
        c.host = "127.0.0.1";
        c.port = 0;
        c.keep_alive_timeout = 2s;
        c.shutdown_grace = 3s;
        c.header_limit = 4096;
        return c;
    }

    server_fixture() {
        server.mount("/slow", slow);
        server.mount("/noting", noting);
        server.set_fallback(std::make_shared<http::static_files>(http::static_config{
            .index_file = www.root() / "index.html",
            .static_prefix = "/static",
            .roots = {www.root() / "dist", www.root() / "public"},
        }));
        ep = server.start();
    }
    ~server_fixture() { server.stop(); }

    http_response get(std::string target, bhttp::verb verb = bhttp::verb::get) {
        return io.run(fetch(ep, make_get(std::move(target), verb)));
    }
    http_response get_with(http_request req) { return io.run(fetch(ep, std::move(req))); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_server, server_fixture)

BOOST_AUTO_TEST_CASE(serves_the_page_with_validators) {
    auto const res = get("/");
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res[bhttp::field::content_type] == "text/html; charset=utf-8");
    BOOST_TEST(res.body() == temp_www::index_html);
    BOOST_TEST(res[bhttp::field::etag].starts_with("W/\""));
    BOOST_TEST(!res[bhttp::field::last_modified].empty());
    BOOST_TEST(res[bhttp::field::cache_control] == "public, max-age=0");
}

BOOST_AUTO_TEST_CASE(gzip_round_trip_when_accepted) {
    auto req = make_get("/static/js/bundle.js");
    req.set(bhttp::field::accept_encoding, "gzip, deflate, br");
    auto const gz = get_with(req);
    BOOST_TEST(gz.result_int() == 200u);
    BOOST_TEST(gz[bhttp::field::content_encoding] == "gzip");
    BOOST_TEST(gz[bhttp::field::vary] == "Accept-Encoding");
    BOOST_TEST(gz[bhttp::field::content_type] == "text/javascript; charset=utf-8");
    BOOST_TEST(gz.body().size() < temp_www::bundle_js().size());
    BOOST_TEST(http::gzip_decompress(gz.body()).value() == temp_www::bundle_js());

    auto const plain = get("/static/js/bundle.js");
    BOOST_TEST(plain[bhttp::field::content_encoding].empty());
    BOOST_TEST(plain[bhttp::field::vary] == "Accept-Encoding");
    BOOST_TEST(plain.body() == temp_www::bundle_js());
    BOOST_TEST(plain[bhttp::field::etag] == gz[bhttp::field::etag]);

    auto refuse = make_get("/static/js/bundle.js");
    refuse.set(bhttp::field::accept_encoding, "gzip;q=0, br");
    BOOST_TEST(get_with(refuse)[bhttp::field::content_encoding].empty());

    // Small or incompressible files are sent as they are.
    auto small = make_get("/static/css/style.css");
    small.set(bhttp::field::accept_encoding, "gzip");
    auto const css = get_with(small);
    BOOST_TEST(css[bhttp::field::content_encoding].empty());
    BOOST_TEST(css.body() == "body { color: #222; }\n");
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
    auto const responses = io.run([](tcp::endpoint at) -> awaitable<std::vector<http_response>> {
        http_client client(co_await net::this_coro::executor);
        co_await client.connect(at);
        std::vector<http_response> out;
        out.push_back(co_await client.request(make_get("/")));
        out.push_back(co_await client.request(make_get("/static/css/style.css")));
        out.push_back(co_await client.request(make_get("/missing")));
        out.push_back(co_await client.request(make_get("/")));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(responses.size() == 4u);
    BOOST_TEST(responses[0].result_int() == 200u);
    BOOST_TEST(responses[1].result_int() == 200u);
    BOOST_TEST(responses[2].result_int() == 404u);
    BOOST_TEST(responses[3].result_int() == 200u);
    for (auto const& r : responses)
        BOOST_TEST(r.keep_alive());
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed_after_the_timeout) {
    struct outcome {
        bool open_early = false;
        std::chrono::milliseconds checked_after{}; // since the request was sent
        bool closed = false;
        std::chrono::milliseconds closed_after{};
    };
    auto const timeout = config().keep_alive_timeout;
    auto const r =
        io.run([](tcp::endpoint at, std::chrono::milliseconds idle) -> awaitable<outcome> {
            using clock = std::chrono::steady_clock;
            auto const since = [](clock::time_point t) {
                return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t);
            };
            http_client client(co_await net::this_coro::executor);
            co_await client.connect(at);
            // The server's idle timer starts after this instant: nothing it does can close the
            // connection before sent + idle.
            auto const sent = clock::now();
            co_await client.request(make_get("/"));
            outcome out;
            net::steady_timer quarter(co_await net::this_coro::executor, idle / 4);
            co_await quarter.async_wait(net::use_awaitable);
            out.open_early = client.open_and_quiet();
            out.checked_after = since(sent);
            out.closed = co_await client.closed_by_peer(idle + 3s);
            out.closed_after = since(sent);
            co_return out;
        }(ep, timeout));
    BOOST_TEST(r.closed);
    // Still open well before the timeout. On a machine so loaded that the check came only
    // after the timeout there is nothing to tell (open or closed would both be right).
    if (r.checked_after < timeout)
        BOOST_TEST(r.open_early, "closed after " << r.checked_after.count() << " ms");
    else
        BOOST_TEST_MESSAGE("the open check came too late to tell: " << r.checked_after.count()
                                                                    << " ms");
    // And not closed before the timeout (the timer starts after the request was sent).
    BOOST_TEST(r.closed_after.count() >= timeout.count());
}

BOOST_AUTO_TEST_CASE(a_body_in_progress_ends_when_its_answer_is_written) {
    // A long-polling client sends its next POST as soon as it reads "ok", possibly on another
    // connection: the first must not still count as in progress then (it did, until the
    // handler returned, and the next POST was refused 400 at random).
    auto req = make_get("/noting", bhttp::verb::post);
    req.body() = "4hello";
    req.prepare_payload();
    auto const res = io.run(fetch(ep, std::move(req)));
    BOOST_TEST(res.body() == "ok");
    BOOST_TEST(!noting->in_progress.load());
}

BOOST_AUTO_TEST_CASE(head_has_get_headers_and_no_body) {
    auto const get_res = get("/static/js/bundle.js");
    auto const head = get("/static/js/bundle.js", bhttp::verb::head);
    BOOST_TEST(head.result_int() == 200u);
    BOOST_TEST(head.body().empty());
    BOOST_TEST(head[bhttp::field::content_length] == std::to_string(temp_www::bundle_js().size()));
    BOOST_TEST(head[bhttp::field::etag] == get_res[bhttp::field::etag]);
    BOOST_TEST(head[bhttp::field::content_type] == get_res[bhttp::field::content_type]);
}

BOOST_AUTO_TEST_CASE(head_never_carries_a_body_so_the_next_response_parses) {
    // A body behind a HEAD answer would be read as the start of the next response: the GET
    // that follows on the same keep-alive connection would not parse.
    auto const responses = io.run([](tcp::endpoint at) -> awaitable<std::vector<http_response>> {
        http_client client(co_await net::this_coro::executor);
        co_await client.connect(at);
        std::vector<http_response> out;
        auto conditional = make_get("/", bhttp::verb::head);
        conditional.set(bhttp::field::if_none_match,
                        (co_await client.request(make_get("/")))[bhttp::field::etag]);
        for (auto req : {make_get("/static/nope.js", bhttp::verb::head),  // 404
                         make_get("/static/a%2fb.js", bhttp::verb::head), // 400
                         make_get("/slow", bhttp::verb::head),            // a handler's body
                         conditional,                                     // 304
                         make_get("/static/js/bundle.js", bhttp::verb::head)}) {
            out.push_back(co_await client.request(req));
            out.push_back(co_await client.request(make_get("/")));
        }
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(responses.size() == 10u);
    unsigned const expected[] = {404, 400, 200, 304, 200};
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST_CONTEXT("HEAD #" << i) {
            BOOST_TEST(responses[2 * i].result_int() == expected[i]);
            BOOST_TEST(responses[2 * i + 1].result_int() == 200u);
            BOOST_TEST(responses[2 * i + 1].body() == std::string(temp_www::index_html));
        }
    }
    // Content-Length still says what a GET would carry.
    BOOST_TEST(responses[0][bhttp::field::content_length] == "10");
}

BOOST_AUTO_TEST_CASE(conditional_requests_get_304) {
    auto const first = get("/static/js/bundle.js");
    auto const etag = std::string(first[bhttp::field::etag]);
    auto const last_modified = std::string(first[bhttp::field::last_modified]);

    auto by_etag = make_get("/static/js/bundle.js");
    by_etag.set(bhttp::field::if_none_match, etag);
    auto const r1 = get_with(by_etag);
    BOOST_TEST(r1.result_int() == 304u);
    BOOST_TEST(r1.body().empty());
    BOOST_TEST(r1[bhttp::field::etag] == etag);

    auto by_date = make_get("/static/js/bundle.js");
    by_date.set(bhttp::field::if_modified_since, last_modified);
    BOOST_TEST(get_with(by_date).result_int() == 304u);

    auto stale = make_get("/static/js/bundle.js");
    stale.set(bhttp::field::if_none_match, "W/\"0-0\"");
    stale.set(bhttp::field::if_modified_since, last_modified);
    auto const r3 = get_with(stale);
    BOOST_TEST(r3.result_int() == 200u);
    BOOST_TEST(r3.body() == temp_www::bundle_js());
}

BOOST_AUTO_TEST_CASE(traversal_is_refused_and_nothing_leaks) {
    struct case_t {
        std::string target;
        unsigned status;
    };
    std::vector<case_t> const cases{
        {"/static/../../secret.txt", 400},
        {"/static/%2e%2e/%2e%2e/secret.txt", 400},
        {"/static/..%2F..%2Fsecret.txt", 400},
        {"/static/%252e%252e/secret.txt", 400},
        {"/static/..\\..\\secret.txt", 400},
        {"/static/x%00.js", 400},
        {"/static/escape.txt", 404},
        {"/static/up/secret.txt", 404},
        {"/static/.env", 404},
        {"/static/css/", 404},
        {"/static/missing.js", 404},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.target) {
            auto const res = get(c.target);
            BOOST_TEST(res.result_int() == c.status);
            BOOST_TEST(res.body().find("TOP-SECRET") == std::string::npos);
            BOOST_TEST(res.body().find("SECRET=1") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(other_methods_get_405) {
    auto const res = get("/", bhttp::verb::post);
    BOOST_TEST(res.result_int() == 405u);
    BOOST_TEST(res[bhttp::field::allow] == "GET, HEAD");
    BOOST_TEST(get("/", bhttp::verb::delete_).result_int() == 405u);
}

BOOST_AUTO_TEST_CASE(oversized_header_is_refused_with_431) {
    auto req = make_get("/");
    req.set("X-Padding", std::string(8000, 'a'));
    auto const res = get_with(req);
    BOOST_TEST(res.result_int() == 431u);
    BOOST_TEST(!res.keep_alive());
}

BOOST_AUTO_TEST_CASE(malformed_request_gets_400) {
    auto const res = io.run([](tcp::endpoint at) -> awaitable<http_response> {
        http_client client(co_await net::this_coro::executor);
        co_await client.connect(at);
        co_await client.send_raw("GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");
        co_return co_await client.read_response();
    }(ep));
    BOOST_TEST(res.result_int() == 400u);
}

BOOST_AUTO_TEST_CASE(body_over_the_handler_limit_gets_413) {
    auto req = make_get("/slow", bhttp::verb::post);
    req.body() = std::string(100, 'x');
    BOOST_TEST(get_with(req).result_int() == 413u);
    auto ok = make_get("/slow", bhttp::verb::post);
    ok.body() = "tiny";
    auto const res = get_with(ok);
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res.body() == "slow tiny");
}

BOOST_AUTO_TEST_CASE(graceful_stop_finishes_in_flight_and_closes_idle) {
    struct outcome {
        http_response in_flight;
        bool idle_closed = false;
        bool in_flight_closed_after = false;
    };
    auto& srv = server;
    auto& slow_started = slow->started;
    auto const result = io.run([](tcp::endpoint at, http::server& target,
                                  std::atomic<bool>& started) -> awaitable<outcome> {
        auto ex = co_await net::this_coro::executor;
        http_client idle(ex);
        co_await idle.connect(at);
        co_await idle.request(make_get("/")); // now idle, kept alive

        http_client busy(ex);
        co_await busy.connect(at);
        auto req = make_get("/slow", bhttp::verb::post);
        req.body() = "x";
        req.prepare_payload();
        co_await bhttp::async_write(busy.stream(), req, net::use_awaitable);
        while (!started) {
            net::steady_timer t(ex, 5ms);
            co_await t.async_wait(net::use_awaitable);
        }
        target.stop();
        outcome out;
        out.idle_closed = co_await idle.closed_by_peer(2s);
        out.in_flight = co_await busy.read_response();
        out.in_flight_closed_after = co_await busy.closed_by_peer(2s);
        co_return out;
    }(ep, srv, slow_started));
    BOOST_TEST(result.idle_closed);
    BOOST_TEST(result.in_flight.result_int() == 200u);
    BOOST_TEST(result.in_flight.body() == "slow x");
    BOOST_TEST(result.in_flight_closed_after);
    BOOST_TEST(server.connection_count() == 0u);
    // With every connection gone and the acceptor closed, the io_context runs out of work:
    // this is what lets the demo's main() return after SIGTERM.
    BOOST_TEST(io.wait_idle(5s));
}

BOOST_AUTO_TEST_SUITE_END()
