#define BOOST_TEST_MODULE sio unit tests
#include <boost/test/unit_test.hpp>
