# The libraries accountkit builds against: libcurl, simdjson and cpp-httplib
# (the sandbox's HTTP server), found through their CMake packages or
# pkg-config. When any is missing, configuring stops with one message naming
# every missing one and the packages that provide it, so that `pip install .`
# or a build from the sdist says what to install instead of failing on the
# first find_package.
find_package(PkgConfig QUIET)
find_package(CURL QUIET)
find_package(simdjson QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
endif()
find_package(Threads REQUIRED)

set(_ak_missing "")
if(NOT CURL_FOUND)
  list(APPEND _ak_missing "libcurl")
endif()
if(NOT simdjson_FOUND)
  list(APPEND _ak_missing "simdjson")
endif()
if(NOT PkgConfig_FOUND)
  list(APPEND _ak_missing "pkg-config (needed to find cpp-httplib)")
elseif(NOT HTTPLIB_FOUND)
  list(APPEND _ak_missing "cpp-httplib (pkg-config module cpp-httplib)")
endif()
if(_ak_missing)
  list(JOIN _ak_missing ", " _ak_missing_text)
  message(FATAL_ERROR
    "accountkit cannot be built: these development packages were not found: ${_ak_missing_text}.\n"
    "Install them, then build again (or pip install again):\n"
    "  Debian/Ubuntu: apt-get install libcurl4-openssl-dev libsimdjson-dev libcpp-httplib-dev pkg-config cmake g++ python3-dev\n"
    "  Fedora:        dnf install libcurl-devel simdjson-devel cpp-httplib-devel pkgconf-pkg-config cmake gcc-c++ python3-devel\n"
    "pybind11 and scikit-build-core come from pip (pip install . fetches them).\n"
    "If they are installed under another prefix, pass it in CMAKE_PREFIX_PATH "
    "(pip: -C cmake.define.CMAKE_PREFIX_PATH=/that/prefix).")
endif()
