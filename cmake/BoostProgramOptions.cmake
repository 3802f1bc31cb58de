# SPDX-License-Identifier: GPL-2.0-or-later
# Boost.Program_options compiled from Debian's boost1.74 sources with the
# project's own compiler (scripts/setup.sh fetches them): Debian ships it only
# built against glibc. Headers come from an include folder holding nothing but
# a `boost` link, so /usr/include never mixes with musl's headers.
file(GLOB BOOST_PO_SOURCES ${MDGUARD_BOOST_SOURCE_DIR}/libs/program_options/src/*.cpp)
list(FILTER BOOST_PO_SOURCES EXCLUDE REGEX "winmain\\.cpp$")
if(NOT BOOST_PO_SOURCES)
  message(FATAL_ERROR "No Boost.Program_options sources in ${MDGUARD_BOOST_SOURCE_DIR}: run scripts/setup.sh")
endif()
add_library(boost_program_options STATIC ${BOOST_PO_SOURCES})
target_include_directories(boost_program_options SYSTEM PUBLIC ${MDGUARD_BOOST_INCLUDE_DIR})
# libc++ 16 dropped unary_function/binary_function, which Boost 1.74 still uses.
target_compile_definitions(boost_program_options PUBLIC
  _LIBCPP_ENABLE_CXX17_REMOVED_UNARY_BINARY_FUNCTION BOOST_ALL_NO_LIB)
target_compile_options(boost_program_options PRIVATE -w)
add_library(Boost::program_options ALIAS boost_program_options)
