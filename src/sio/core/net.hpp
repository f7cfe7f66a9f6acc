// Namespace aliases and the completion-token conventions shared by every layer.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sio {

namespace net = boost::asio;

/// Expected I/O errors are values: `auto [ec, n] = co_await op(..., use_tuple);`.
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

template <class T = void>
using awaitable = net::awaitable<T>;

} // namespace sio
