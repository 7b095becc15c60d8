# RACEFUZZ_ENGINE=ossfuzz: the fuzz targets as OSS-Fuzz and ClusterFuzzLite build them
# (ci/oss-fuzz/build.sh configures it). Compiler and flags are theirs, not ours:
#   RACEFUZZ_OSSFUZZ_CFLAGS    $CFLAGS   (optimisation, SANITIZER's flags, coverage flags)
#   RACEFUZZ_OSSFUZZ_CXXFLAGS  $CXXFLAGS (the link: OSS-Fuzz links through $CXX)
#   RACEFUZZ_OSSFUZZ_ENGINE    $LIB_FUZZING_ENGINE (-fsanitize=fuzzer, or the AFL++ driver)
# They come as cache variables, not through CMake's own reading of CFLAGS: that would put
# the coverage flags on every file, and the mutator glue and the frames driver must stay
# out of the coverage map (their branches are not the target's; mutators/CMakeLists.txt).
# So the coverage flags (-fsanitize=fuzzer-no-link, -fsanitize-coverage=...) go to the
# harness and target sources only; the rest of $CFLAGS replaces RACEFUZZ_SAN_FLAGS.
if(RACEFUZZ_TESTS OR RACEFUZZ_SUBBUILDS)
  message(FATAL_ERROR "RACEFUZZ_ENGINE=ossfuzz builds fuzz targets only: "
    "-DRACEFUZZ_TESTS=OFF -DRACEFUZZ_SUBBUILDS=OFF (ci/oss-fuzz/build.sh passes both)")
endif()
set(RACEFUZZ_OSSFUZZ_CFLAGS "" CACHE STRING "OSS-Fuzz's CFLAGS")
set(RACEFUZZ_OSSFUZZ_CXXFLAGS "" CACHE STRING "OSS-Fuzz's CXXFLAGS (link)")
set(RACEFUZZ_OSSFUZZ_ENGINE "" CACHE STRING "OSS-Fuzz's LIB_FUZZING_ENGINE")
if(RACEFUZZ_OSSFUZZ_ENGINE STREQUAL "")
  message(FATAL_ERROR "RACEFUZZ_ENGINE=ossfuzz needs RACEFUZZ_OSSFUZZ_ENGINE ($LIB_FUZZING_ENGINE)")
endif()
# libFuzzer and the AFL++ driver are C++: the targets link with $CXX, as OSS-Fuzz requires.
enable_language(CXX)

separate_arguments(_rf_cflags UNIX_COMMAND "${RACEFUZZ_OSSFUZZ_CFLAGS}")
set(RACEFUZZ_SAN_FLAGS)
set(RACEFUZZ_OSSFUZZ_COV_FLAGS)
foreach(f ${_rf_cflags})
  if(f STREQUAL "-fsanitize=fuzzer-no-link" OR f MATCHES "^-fsanitize-coverage=")
    list(APPEND RACEFUZZ_OSSFUZZ_COV_FLAGS ${f})
  else()
    list(APPEND RACEFUZZ_SAN_FLAGS ${f})
  endif()
endforeach()
separate_arguments(RACEFUZZ_OSSFUZZ_LINK UNIX_COMMAND
  "${RACEFUZZ_OSSFUZZ_CXXFLAGS} ${RACEFUZZ_OSSFUZZ_ENGINE}")
