// The one translation unit that compiles Asio and Beast (separate compilation keeps
// their implementation out of every other file).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
