// Boost.JSON compiled into the fuzz targets that parse JSON, with their instrumentation:
// Debian's libboost_json is not, so libFuzzer would not see which paths of the JSON parser an
// input takes. These definitions take precedence over the shared library's.
#include <boost/json/src.hpp>
