#define BOOST_TEST_MODULE sio coroutine tests
#include <boost/test/unit_test.hpp>
