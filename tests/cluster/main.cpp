#define BOOST_TEST_MODULE sio cluster tests
#include <boost/test/unit_test.hpp>
