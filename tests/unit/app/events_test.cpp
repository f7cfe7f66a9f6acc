// The server's event names and the web client's (www/src/config.js) must agree.
#include "app/events.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <string>

BOOST_AUTO_TEST_SUITE(app_events)

BOOST_AUTO_TEST_CASE(server_and_web_client_use_the_same_event_names) {
    std::ifstream in(SIO_SOURCE_DIR "/www/src/config.js");
    BOOST_TEST_REQUIRE(in.good());
    std::map<std::string, std::string> client;
    std::regex const constant(R"(export const (\w+) = '([^']*)';?\s*)");
    std::smatch match;
    for (std::string line; std::getline(in, line);) {
        if (std::regex_match(line, match, constant))
            client[match[1].str()] = match[2].str();
    }

    BOOST_TEST(client.size() == app::events::all.size());
    for (auto const& [name, value] : app::events::all) {
        BOOST_TEST_CONTEXT(name) {
            auto const it = client.find(std::string(name));
            BOOST_TEST_REQUIRE((it != client.end()));
            BOOST_TEST(it->second == value);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
