# racefuzz_add_fuzzer(NAME <name> SOURCES <harness sources...> [LIBS <libs...>]
#                     [FRAME_MUTATOR] [PLAIN_BASELINE])
#
# One harness (a LLVMFuzzerTestOneInput), every variant the configured engine allows:
#   <name>_replay     plain binary running files/dirs through the harness (any engine)
#   <name>_fuzzer     libFuzzer (RACEFUZZ_ENGINE=libfuzzer)
#   <name>_afl        AFL++ persistent mode through libAFLDriver (RACEFUZZ_ENGINE=afl)
# FRAME_MUTATOR links the structure-aware frame mutator into the libFuzzer variant;
# PLAIN_BASELINE also builds <name>_fuzzer_plain without it, for the benchmarks.
function(racefuzz_add_fuzzer)
  cmake_parse_arguments(F "FRAME_MUTATOR;PLAIN_BASELINE" "NAME" "SOURCES;LIBS" ${ARGN})
  if(RACEFUZZ_TESTS)
    add_executable(${F_NAME}_replay ${F_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.c)
    target_link_libraries(${F_NAME}_replay PRIVATE ${F_LIBS} rf_common)
    racefuzz_sanitize(${F_NAME}_replay)
  endif()
  if(RACEFUZZ_ENGINE STREQUAL "libfuzzer")
    _racefuzz_engine_variant(${F_NAME}_fuzzer "${F_SOURCES}" "${F_LIBS}" ${F_FRAME_MUTATOR})
    if(F_PLAIN_BASELINE)
      _racefuzz_engine_variant(${F_NAME}_fuzzer_plain "${F_SOURCES}" "${F_LIBS}" OFF)
    endif()
  elseif(RACEFUZZ_ENGINE STREQUAL "afl")
    # afl-clang-fast turns -fsanitize=fuzzer into AFL++'s persistent-mode driver.
    _racefuzz_engine_variant(${F_NAME}_afl "${F_SOURCES}" "${F_LIBS}" OFF)
  endif()
endfunction()

function(_racefuzz_engine_variant exe sources libs with_mutator)
  add_executable(${exe} ${sources})
  target_link_libraries(${exe} PRIVATE ${libs})
  if(with_mutator)
    # The glue is a library of its own so the mutator is not coverage-instrumented:
    # its branches are not the target's and would only add noise to the feedback.
    target_link_libraries(${exe} PRIVATE rf_glue_libfuzzer)
  endif()
  racefuzz_sanitize(${exe})
  target_compile_options(${exe} PRIVATE -fsanitize=fuzzer)
  target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
endfunction()
