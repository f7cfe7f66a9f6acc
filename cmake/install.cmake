# `cmake --install build/<preset> --prefix DIR`: the layers' static libraries and headers
# (src/CMakeLists.txt, sio_layer), sio/version.hpp, this CMake package and a pkg-config file.
include(CMakePackageConfigHelpers)

set(SIO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/socketio_cpp)
install(EXPORT socketio_cpp_targets NAMESPACE socketio_cpp:: FILE socketio_cpp-targets.cmake
        DESTINATION ${SIO_CMAKE_DIR})
configure_package_config_file(cmake/socketio_cpp-config.cmake.in socketio_cpp-config.cmake
                              INSTALL_DESTINATION ${SIO_CMAKE_DIR})
# 0.x: a minor release may break the API (SemVer's "anything may change" before 1.0), so a
# request for 0.1 accepts 0.1.z only, not 0.2. SameMajorVersion would take 0.2 for 0.1.
write_basic_package_version_file(socketio_cpp-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/socketio_cpp-config.cmake
              ${PROJECT_BINARY_DIR}/socketio_cpp-config-version.cmake
        DESTINATION ${SIO_CMAKE_DIR})

# pkg-config: static libraries, so Libs lists each layer, users before what they use.
get_property(pending GLOBAL PROPERTY SIO_LAYERS)
set(SIO_PC_LIBS "")
while(pending)
    set(progress FALSE)
    foreach(layer IN LISTS pending)
        set(used FALSE) # by a layer not listed yet
        foreach(other IN LISTS pending)
            get_target_property(links sio_${other} LINK_LIBRARIES)
            if(NOT other STREQUAL layer AND "sio_${layer}" IN_LIST links)
                set(used TRUE)
            endif()
        endforeach()
        if(NOT used)
            string(APPEND SIO_PC_LIBS " -lsio_${layer}")
            list(REMOVE_ITEM pending ${layer})
            set(progress TRUE)
        endif()
    endforeach()
    if(NOT progress)
        message(FATAL_ERROR "the layers ${pending} link each other in a cycle")
    endif()
endwhile()
string(STRIP "${SIO_PC_LIBS}" SIO_PC_LIBS)
# Boost has no .pc: its folders, unless the compiler searches them anyway.
set(SIO_PC_BOOST_CFLAGS "")
set(SIO_PC_BOOST_LIBS "")
get_target_property(boost_includes Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
foreach(dir IN LISTS boost_includes)
    if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
        string(APPEND SIO_PC_BOOST_CFLAGS " -I${dir}")
    endif()
endforeach()
get_target_property(boost_json_lib Boost::json LOCATION)
get_filename_component(boost_lib_dir "${boost_json_lib}" DIRECTORY)
if(NOT boost_lib_dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
    string(APPEND SIO_PC_BOOST_LIBS " -L${boost_lib_dir} -Wl,-rpath,${boost_lib_dir}")
endif()
# Relocatable: the prefix is found from the .pc file's own folder (pkg-config's pcfiledir).
file(RELATIVE_PATH SIO_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" SIO_PC_TO_PREFIX "${SIO_PC_TO_PREFIX}")
configure_file(cmake/socketio_cpp.pc.in socketio_cpp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/socketio_cpp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
