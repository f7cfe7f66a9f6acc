#define BOOST_TEST_MODULE sio redis tests
#include <boost/test/unit_test.hpp>
