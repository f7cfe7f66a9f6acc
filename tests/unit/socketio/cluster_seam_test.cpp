// The seam a cluster adapter plugs into: a broadcast with acknowledgements waits for every
// server's share (as many servers as the adapter counts), events from other servers reach
// the namespace's server-side handlers, and one server answers the cluster-wide queries by
// itself. The "other server" here is what an adapter would report from Redis.
#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/socketio/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace sio;
using namespace std::chrono_literals;
namespace sa = sio::adapter;

namespace {

/// This server's sockets in memory, plus one other server that the test speaks for: it is
/// counted, takes its share of broadcasts with acks through `remote_sink`, and sends events.
class two_server_adapter final : public sa::in_memory_adapter {
public:
    explicit two_server_adapter(sa::local_delivery& d)
        : in_memory_adapter(d)
        , delivery_(d) {}

    void server_count(sa::completion<std::size_t> done) override { done({2, {}}); }
    void broadcast_with_ack(protocol::packet const& p, sa::broadcast_options const& opts,
                            std::shared_ptr<sa::ack_sink> const& sink) override {
        remote_sink = sink;
        remote_packet = p;
        in_memory_adapter::broadcast_with_ack(p, opts, sink);
    }
    /// As if the other server had sent `args` with server_side_emit.
    void event_from_other_server(boost::json::array args, sa::server_answer answer) {
        delivery_.server_side_event(std::move(args), std::move(answer));
    }

    std::shared_ptr<sa::ack_sink> remote_sink;
    std::optional<protocol::packet> remote_packet;

private:
    sa::local_delivery& delivery_;
};

struct two_servers {
    two_server_adapter* adapter = nullptr;
    socketio::server io;

    two_servers()
        : io([this] {
            socketio::server_options opts;
            opts.adapter = [this](sa::local_delivery& d, sa::adapter_context const&) {
                auto a = std::make_unique<two_server_adapter>(d);
                adapter = a.get();
                return a;
            };
            return opts;
        }()) {}
};

} // namespace

BOOST_AUTO_TEST_SUITE(socketio_cluster_seam)

BOOST_AUTO_TEST_CASE(a_broadcast_with_acks_waits_for_the_other_servers_answers) {
    two_servers s;
    std::optional<socketio::broadcast_ack_result> result;
    s.io.all().emit_with_ack("ask", socketio::make_payload("q"), 5s,
                             [&](socketio::broadcast_ack_result r) { result = std::move(r); });
    BOOST_TEST_REQUIRE(s.adapter->remote_sink);
    BOOST_TEST(
        s.adapter->remote_packet->id.has_value()); // the id the other server's clients answer
    // No socket here, but the other server has not said how many it sent to: not done.
    BOOST_TEST(!result);
    s.adapter->remote_sink->answer(socketio::make_payload("early")); // an answer may come first
    s.adapter->remote_sink->sent_to(2);
    BOOST_TEST(!result);
    s.adapter->remote_sink->answer(socketio::make_payload("second"));
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(!result->timed_out);
    BOOST_TEST_REQUIRE(result->answers.size() == 2u);
    BOOST_TEST(result->answers[0].args == boost::json::array{"early"});
    BOOST_TEST(result->answers[1].args == boost::json::array{"second"});
    // A late answer changes nothing.
    s.adapter->remote_sink->answer(socketio::make_payload("late"));
    BOOST_TEST(result->answers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_broadcast_with_acks_ends_at_the_timeout_with_the_answers_that_came) {
    net::io_context ioc; // outlives the server, whose adapter keeps the sink and its timer
    two_servers s;
    std::optional<socketio::broadcast_ack_result> result;
    s.io.all().emit_with_ack("ask", socketio::make_payload("q"), 50ms,
                             [&](socketio::broadcast_ack_result r) { result = std::move(r); });
    auto sink = s.adapter->remote_sink;
    BOOST_TEST_REQUIRE(sink);
    bool cleaned_up = false;
    sink->on_finish([&](bool timed_out) { cleaned_up = timed_out; });
    sink->arm(ioc.get_executor()); // an adapter that waits on other servers starts the clock
    sink->sent_to(3);
    sink->answer(socketio::make_payload(1));
    ioc.run_for(2s);
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(result->timed_out);
    BOOST_TEST(result->answers.size() == 1u);
    BOOST_TEST(cleaned_up); // what still waited for answers was told to stop
}

BOOST_AUTO_TEST_CASE(a_local_broadcast_with_acks_does_not_wait_for_other_servers) {
    two_servers s;
    std::optional<socketio::broadcast_ack_result> result;
    s.io.main().local().emit_with_ack("ask", socketio::make_payload("q"), 5s,
                                      [&](socketio::broadcast_ack_result r) { result = r; });
    BOOST_TEST_REQUIRE(result.has_value()); // nobody here: done at once
    BOOST_TEST(!result->timed_out);
    BOOST_TEST(result->answers.empty());
}

BOOST_AUTO_TEST_CASE(events_from_other_servers_reach_the_server_side_handlers) {
    two_servers s;
    std::vector<std::string> seen;
    s.io.main().on_server_side("hello", [&](boost::json::array args, sa::server_answer answer) {
        seen.push_back(boost::json::serialize(args));
        if (answer)
            answer(boost::json::value("hi back"));
    });
    std::optional<boost::json::value> answered;
    s.adapter->event_from_other_server(boost::json::array{"hello", 1, "two"},
                                       [&](boost::json::value v) { answered = std::move(v); });
    s.adapter->event_from_other_server(boost::json::array{"hello"}, {}); // no answer wanted
    s.adapter->event_from_other_server(boost::json::array{"unknown", 1}, {});
    s.adapter->event_from_other_server(boost::json::array{42}, {}); // no name: ignored
    BOOST_TEST(seen == (std::vector<std::string>{R"([1,"two"])", "[]"}),
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(answered.has_value());
    BOOST_TEST(*answered == boost::json::value("hi back"));
}

BOOST_AUTO_TEST_CASE(one_server_answers_cluster_queries_by_itself) {
    socketio::server io;
    std::optional<sa::outcome<std::size_t>> count;
    io.main().server_count([&](auto r) { count = r; });
    BOOST_TEST_REQUIRE(count.has_value());
    BOOST_TEST(count->ok());
    BOOST_TEST(count->value == 1u);
    // Nobody else to tell: an emit waiting for answers ends at once with none.
    std::optional<sa::outcome<std::vector<boost::json::value>>> answers;
    io.main().server_side_emit_with_ack("hello", {1}, [&](auto r) { answers = r; });
    BOOST_TEST_REQUIRE(answers.has_value());
    BOOST_TEST(answers->ok());
    BOOST_TEST(answers->value.empty());
    io.main().server_side_emit("hello", {1}); // goes nowhere, fails nothing
    BOOST_CHECK_THROW(io.main().server_side_emit("connect"), std::invalid_argument);
    BOOST_CHECK_THROW(io.main().server_side_emit("disconnecting"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
