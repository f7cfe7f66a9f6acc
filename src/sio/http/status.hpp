// HTTP status codes as a type, not bare numbers: Beast's enum, through a light header.
#pragma once

#include <boost/beast/http/status.hpp>

namespace sio::http {

using status = boost::beast::http::status;

} // namespace sio::http
