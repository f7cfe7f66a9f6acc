// Socket.IO acknowledgements: the client's and the server's, with binary, timeouts, and a
// broadcast that collects every answer.
#include "coro/socketio/fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

namespace {

/// The id and the arguments of an EVENT on "/" with an ack id: 42<id>[...].
std::pair<std::string, std::string> split_ack_event(std::string const& frame) {
    if (!frame.starts_with("42"))
        return {};
    auto const open = frame.find('[');
    if (open == std::string::npos)
        return {};
    return {frame.substr(2, open - 2), frame.substr(open)};
}

/// The result of one broadcast with acknowledgements, set from an I/O thread.
struct ack_outcome {
    std::mutex mutex;
    std::optional<socketio::broadcast_ack_result> result;
    void set(socketio::broadcast_ack_result r) {
        std::lock_guard lock(mutex);
        result = std::move(r);
    }
    std::optional<socketio::broadcast_ack_result> get() {
        std::lock_guard lock(mutex);
        return result;
    }
};

/// What client `i` sends back to ack `id` ("" for nothing).
using survey_reply = std::function<std::string(std::size_t i, std::string const& id)>;

/// Asks the room "survey" with an acknowledgement; each client reads the question and sends
/// its reply; then waits (bounded) for the outcome. Returns each client's "<id><args>".
awaitable<std::vector<std::string>>
survey_round(socketio::server& server_io, std::vector<std::unique_ptr<ws_client>>& clients,
             std::string question, std::chrono::milliseconds timeout,
             std::shared_ptr<ack_outcome> outcome, survey_reply reply) {
    auto record = [outcome](socketio::broadcast_ack_result r) {
        outcome->set(std::move(r));
    };
    server_io.to("survey").emit_with_ack("ask", socketio::make_payload(question), timeout, record);
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        auto const [id, args] = split_ack_event(co_await next_text(*clients[i]));
        seen.push_back(id + args);
        if (auto const text = reply(i, id); !text.empty())
            co_await clients[i]->send_text(text);
    }
    for (int i = 0; i < 400 && !outcome->get(); ++i) {
        net::steady_timer pause(co_await net::this_coro::executor, 5ms);
        co_await pause.async_wait(net::use_awaitable);
    }
    co_return seen;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(client_acks_and_binary_round_trip) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<ws_frame>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        std::vector<ws_frame> out;
        co_await ws->send_text(R"(427["echo",1,"2",{"3":[true]},null])");
        out.push_back(*co_await ws->read_skipping_pings());
        co_await ws->send_text(R"(451-8["echo",{"bin":{"_placeholder":true,"num":0}}])");
        co_await ws->send_binary(std::string("\x00\xff", 2));
        out.push_back(*co_await ws->read_skipping_pings());
        out.push_back(*co_await ws->read_skipping_pings());
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0].data == R"(437[1,"2",{"3":[true]},null])");
    BOOST_TEST(frames[1].data == R"(461-8[{"bin":{"_placeholder":true,"num":0}}])");
    BOOST_TEST(frames[2].binary);
    BOOST_TEST(frames[2].data == std::string("\x00\xff", 2));
}

BOOST_AUTO_TEST_CASE(server_acks_answered_and_timed_out) {
    struct outcome {
        std::string emitted;
        std::string second;
    };
    std::promise<socketio::ack_result> answered, unanswered;
    auto const r =
        io.run([](tcp::endpoint at, sio_fixture& f, std::promise<socketio::ack_result>& a,
                  std::promise<socketio::ack_result>& b) -> awaitable<outcome> {
            auto ws = co_await open_session(at);
            co_await ws->send_text("40");
            co_await next_text(*ws);
            auto const s = f.last_socket();
            s->emit_with_ack("question", socketio::make_payload(41), 2s,
                             [&a](socketio::ack_result res) { a.set_value(std::move(res)); });
            outcome out;
            out.emitted = co_await next_text(*ws);
            co_await ws->send_text("430[42,\"yes\"]");
            co_await ws->send_text("430[43]"); // a second answer for the same id is ignored
            s->emit_with_ack("ignored", socketio::make_payload(), 200ms,
                             [&b](socketio::ack_result res) { b.set_value(std::move(res)); });
            out.second = co_await next_text(*ws);
            // Stay connected past the 200 ms timeout: the callback must come from the timer,
            // not from the disconnect.
            net::steady_timer linger(co_await net::this_coro::executor, 500ms);
            co_await linger.async_wait(net::use_awaitable);
            co_return out;
        }(ep, *this, answered, unanswered));
    BOOST_TEST(r.emitted == R"(420["question",41])");
    BOOST_TEST(r.second == R"(421["ignored"])");
    auto fa = answered.get_future();
    BOOST_TEST_REQUIRE((fa.wait_for(2s) == std::future_status::ready));
    auto const a = fa.get();
    BOOST_TEST(!a.timed_out);
    BOOST_TEST(boost::json::serialize(a.args.args) == R"([42,"yes"])");
    auto fb = unanswered.get_future();
    BOOST_TEST_REQUIRE((fb.wait_for(2s) == std::future_status::ready));
    BOOST_TEST(fb.get().timed_out);
}

BOOST_AUTO_TEST_CASE(broadcast_with_acks_collects_every_answer_or_times_out) {
    auto all_answer = std::make_shared<ack_outcome>();
    auto one_silent = std::make_shared<ack_outcome>();
    auto one_leaves = std::make_shared<ack_outcome>();
    auto nobody = std::make_shared<ack_outcome>();

    auto const ids =
        io.run([](tcp::endpoint at, socketio::server& server_io, std::shared_ptr<ack_outcome> first,
                  std::shared_ptr<ack_outcome> second,
                  std::shared_ptr<ack_outcome> third) -> awaitable<std::vector<std::string>> {
            std::vector<std::unique_ptr<ws_client>> clients;
            for (int i = 0; i < 3; ++i) {
                auto ws = co_await open_session(at);
                co_await ws->send_text("40");
                co_await next_text(*ws);
                co_await ws->send_text(R"(420["join","survey"])");
                co_await next_text(*ws); // 430[true]
                clients.push_back(std::move(ws));
            }
            std::vector<std::string> seen_ids;
            auto const keep = [&](std::vector<std::string> const& round) {
                seen_ids.insert(seen_ids.end(), round.begin(), round.end());
            };

            // Everyone answers: done before the (long) timeout, answers in arrival order.
            survey_reply const everyone = [](std::size_t i, std::string const& id) {
                return fmt::format("43{}[\"a{}\"]", id, i);
            };
            keep(co_await survey_round(server_io, clients, "q1", 5s, first, everyone));

            // One stays silent: the timeout ends it with the answers that came.
            survey_reply const silent_second = [](std::size_t i, std::string const& id) {
                return i == 1 ? std::string() : fmt::format("43{}[{}]", id, i);
            };
            keep(co_await survey_round(server_io, clients, "q2", 300ms, second, silent_second));

            // One leaves without answering: it is not waited for.
            survey_reply const third_leaves = [](std::size_t i, std::string const& id) {
                return i == 2 ? std::string("41") : fmt::format("43{}[true]", id);
            };
            keep(co_await survey_round(server_io, clients, "q3", 5s, third, third_leaves));
            co_return seen_ids;
        }(ep, sio, all_answer, one_silent, one_leaves));

    // One packet per broadcast: the same id for every recipient, a new id per broadcast.
    BOOST_TEST_REQUIRE(ids.size() == 9u);
    for (std::size_t b = 0; b < 3; ++b) {
        BOOST_TEST(ids[3 * b] == ids[3 * b + 1]);
        BOOST_TEST(ids[3 * b] == ids[3 * b + 2]);
        BOOST_TEST(ids[3 * b].ends_with(fmt::format(R"(["ask","q{}"])", b + 1)));
    }
    BOOST_TEST(ids[0] != ids[3]);

    auto const r1 = all_answer->get();
    BOOST_TEST_REQUIRE(r1.has_value());
    BOOST_TEST(!r1->timed_out);
    BOOST_TEST_REQUIRE(r1->answers.size() == 3u);
    // In arrival order, which threads decide: compared as a set.
    std::vector<std::string> got;
    for (auto const& a : r1->answers)
        got.push_back(boost::json::serialize(a.args));
    std::sort(got.begin(), got.end());
    BOOST_TEST(got == (std::vector<std::string>{R"(["a0"])", R"(["a1"])", R"(["a2"])"}),
               boost::test_tools::per_element());

    auto const r2 = one_silent->get();
    BOOST_TEST_REQUIRE(r2.has_value());
    BOOST_TEST(r2->timed_out);
    BOOST_TEST_REQUIRE(r2->answers.size() == 2u);
    // In arrival order, and clients 0 and 2 answer from different threads: either may be first.
    bool const zero_first = r2->answers[0].args == boost::json::array{0};
    BOOST_TEST(r2->answers[zero_first ? 0 : 1].args == boost::json::array{0});
    BOOST_TEST(r2->answers[zero_first ? 1 : 0].args == boost::json::array{2});

    auto const r3 = one_leaves->get();
    BOOST_TEST_REQUIRE(r3.has_value());
    BOOST_TEST(!r3->timed_out); // finished without waiting 5 s for the one that left
    BOOST_TEST(r3->answers.size() == 2u);

    // Nobody in the room: the callback runs at once with no answers.
    sio.to("empty-room").emit_with_ack("ask", socketio::make_payload("q4"), 5s, [nobody](auto r) {
        nobody->set(std::move(r));
    });
    auto const r4 = nobody->get();
    BOOST_TEST_REQUIRE(r4.has_value());
    BOOST_TEST(!r4->timed_out);
    BOOST_TEST(r4->answers.empty());
}

BOOST_AUTO_TEST_SUITE_END()
