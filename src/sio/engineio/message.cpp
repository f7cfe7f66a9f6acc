#include "sio/engineio/message.hpp"

namespace sio::engineio {

message make_text_message(std::string_view text) {
    auto bytes = std::make_shared<std::string>();
    bytes->reserve(text.size() + 1);
    bytes->push_back('4');
    bytes->append(text);
    return {std::move(bytes), false};
}

message make_binary_message(std::string bytes) {
    return {std::make_shared<std::string const>(std::move(bytes)), true};
}

} // namespace sio::engineio
