# Install rules (included from the top-level CMakeLists.txt, outside SKBUILD):
# headers, shared and static libraries, the accountkit-sandbox program, the
# CMake package, the pkg-config files and the licence.
#
#   make install PREFIX=DIR             (default /usr/local; stripped, preset release)
#   cmake --install build/X --prefix DIR [--strip]
#
# Debug information: the release preset builds without it; `--strip` (which
# `make install` passes) removes it from a RelWithDebInfo or Debug tree's
# libraries and program.

option(AK_INSTALL_RPATH "Give installed programs and libraries an $ORIGIN-relative RPATH to libdir" ON)

# ---- RPATH: an install under any prefix runs without LD_LIBRARY_PATH ----------
# The program finds libdir relative to bindir; libaccountkit-sandbox.so finds
# libaccountkit.so beside itself (a RUNPATH applies to the object's own
# dependencies only, so each object carries its own). Paths relative to the
# prefix stay right when `cmake --install --prefix` moves it.
if(AK_INSTALL_RPATH)
  file(RELATIVE_PATH _ak_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set_target_properties(accountkit-sandbox PROPERTIES INSTALL_RPATH "$ORIGIN/${_ak_bin_to_lib}")
  set_target_properties(accountkit_sandbox PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()

# ---- libraries, program, headers, licence ----------------------------------------
# Three export sets, so that each part of the CMake package asks only for what
# it needs: the shared libraries and the program (nothing beyond libc for a
# user), the static core (CURL, simdjson, Threads), the static emulator
# (cpp-httplib). accountkitConfig.cmake loads the last two as components.
install(TARGETS accountkit accountkit_sandbox accountkit-sandbox EXPORT accountkitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS accountkit_static EXPORT accountkitStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS accountkit_sandbox_static EXPORT accountkitSandboxStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# `--strip` strips shared libraries and programs only; the archives keep their
# symbols (a link needs them) but lose the debug sections too.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_ak_archive_dir "${CMAKE_INSTALL_LIBDIR}")
else()
  set(_ak_archive_dir "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(CMAKE_STRIP)
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      foreach(_ak_archive \"$<TARGET_FILE_NAME:accountkit_static>\" \"$<TARGET_FILE_NAME:accountkit_sandbox_static>\")
        set(_ak_path \"\$ENV{DESTDIR}${_ak_archive_dir}/\${_ak_archive}\")
        execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug \"\${_ak_path}\" RESULT_VARIABLE _ak_rc)
        if(NOT _ak_rc EQUAL 0)
          message(FATAL_ERROR \"strip --strip-debug \${_ak_path} failed (\${_ak_rc})\")
        endif()
      endforeach()
    endif()")
endif()
install(FILES capi/include/accountkit/accountkit.h capi/include/accountkit/plan.h sandbox/include/accountkit/sandbox.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/accountkit)
install(FILES LICENSE README.md CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- CMake package -------------------------------------------------------------
include(CMakePackageConfigHelpers)
set(_ak_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/accountkit)
install(EXPORT accountkitTargets NAMESPACE accountkit:: DESTINATION ${_ak_cmake_dir})
install(EXPORT accountkitStaticTargets NAMESPACE accountkit:: DESTINATION ${_ak_cmake_dir})
install(EXPORT accountkitSandboxStaticTargets NAMESPACE accountkit:: DESTINATION ${_ak_cmake_dir})
configure_package_config_file(cmake/accountkitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/accountkitConfig.cmake
  INSTALL_DESTINATION ${_ak_cmake_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/accountkitConfigVersion.cmake
  COMPATIBILITY ${AK_COMPATIBILITY})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/accountkitConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/accountkitConfigVersion.cmake
  DESTINATION ${_ak_cmake_dir})

# ---- pkg-config (relocatable: the prefix is found from the .pc file's place) ----
file(RELATIVE_PATH AK_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(cmake/accountkit.pc.in ${CMAKE_CURRENT_BINARY_DIR}/accountkit.pc @ONLY)
configure_file(cmake/accountkit-sandbox.pc.in ${CMAKE_CURRENT_BINARY_DIR}/accountkit-sandbox.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/accountkit.pc ${CMAKE_CURRENT_BINARY_DIR}/accountkit-sandbox.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
