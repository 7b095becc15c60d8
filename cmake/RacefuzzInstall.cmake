# `cmake --install BUILD --prefix P` (or scripts/install.sh P): an installed racefuzz that
# works from any directory without the source tree.
#   P/bin/             racefuzz and the engine binaries it looks up beside itself
#                      (racefuzz_http_fuzzer, the sample targets' harnesses)
#   P/lib/             the AFL++ custom mutators (racefuzz looks in bin/../lib)
#   P/share/racefuzz/  what racefuzz finds through cli_root_dir() (cli/main.c): the CMake
#                      helpers and the sources they compile (cmake/, common/, mutators/,
#                      fuzz/), the Go adapter and cover packages (go/), the sample
#                      targets' configs and seeds (targets/, corpus/<target>/)
#   P/lib/cmake/racefuzz/  racefuzzConfig.cmake and its version file: find_package(racefuzz)
#   P/lib/racefuzz/afl, P/lib/racefuzz/tsan  the sample targets' AFL++ and TSan builds
#                      (build/afl/bin, build/tsan/bin; cli_variant_dir() in cli/main.c)
# The layout is fixed, not GNUInstallDirs': racefuzz finds everything relative to its own
# bin/ (cli/main.c INSTALLED_DATA, cli_variant_dir; cli/fuzz_setup.c's bin/../lib).
include(CMakePackageConfigHelpers)
set(RACEFUZZ_BIN_INSTALL_DIR bin)
set(RACEFUZZ_DATA_INSTALL_DIR share/racefuzz)

# The harnesses racefuzz runs by name (cli/fuzz_setup.c find_fuzzer, cli/finding.c
# finding_binary): http mode's generic one and the sample targets' libFuzzer builds.
set(engines racefuzz)
foreach(t racefuzz_http_fuzzer planted_fuzzer planted_fuzzer_plain planted_fixed_fuzzer
    planted_fixed_fuzzer_plain orders_frames_fuzzer orders_go_fuzzer)
  if(TARGET ${t})
    list(APPEND engines ${t})
  endif()
endforeach()
install(TARGETS ${engines} RUNTIME DESTINATION ${RACEFUZZ_BIN_INSTALL_DIR})
foreach(variant afl tsan)
  if(TARGET racefuzz_${variant})
    install(DIRECTORY ${CMAKE_BINARY_DIR}/${variant}/bin/ DESTINATION lib/racefuzz/${variant}
      USE_SOURCE_PERMISSIONS FILES_MATCHING PATTERN "planted*" PATTERN "orders*")
  endif()
endforeach()
foreach(lib racefuzz_afl_mutator racefuzz_afl_sched_mutator)
  if(TARGET ${lib})
    install(TARGETS ${lib} LIBRARY DESTINATION lib)
  endif()
endforeach()

set(src ${PROJECT_SOURCE_DIR})
set(data ${RACEFUZZ_DATA_INSTALL_DIR})
install(FILES ${src}/cmake/RacefuzzFlags.cmake ${src}/cmake/RacefuzzTarget.cmake
  ${src}/cmake/RacefuzzGoTarget.cmake DESTINATION ${data}/cmake)
foreach(dir common mutators fuzz/frames)
  install(DIRECTORY ${src}/${dir}/ DESTINATION ${data}/${dir}
    FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "CMakeLists.txt")
endforeach()
install(FILES ${src}/fuzz/replay_main.c DESTINATION ${data}/fuzz)
install(FILES ${src}/fuzz/go/harness.c ${src}/fuzz/go/go_bridge.h ${src}/fuzz/go/main.go.in
  DESTINATION ${data}/fuzz/go)
# go/cover's http_cov_layout.h is a link to this one.
install(FILES ${src}/fuzz/http/http_cov_layout.h DESTINATION ${data}/fuzz/http)
install(DIRECTORY ${src}/go/ DESTINATION ${data}/go PATTERN "CMakeLists.txt" EXCLUDE)
install(DIRECTORY ${src}/targets/ DESTINATION ${data}/targets PATTERN "CMakeLists.txt" EXCLUDE)
install(DIRECTORY ${src}/corpus/orders ${src}/corpus/planted DESTINATION ${data}/corpus)

configure_package_config_file(${src}/cmake/racefuzzConfig.cmake.in
  ${CMAKE_BINARY_DIR}/racefuzzConfig.cmake
  INSTALL_DESTINATION lib/cmake/racefuzz
  PATH_VARS RACEFUZZ_DATA_INSTALL_DIR RACEFUZZ_BIN_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/racefuzzConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/racefuzzConfig.cmake
  ${CMAKE_BINARY_DIR}/racefuzzConfigVersion.cmake
  DESTINATION lib/cmake/racefuzz)
