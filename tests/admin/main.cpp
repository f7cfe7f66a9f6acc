#define BOOST_TEST_MODULE sio admin tests
#include <boost/test/unit_test.hpp>
