# The AFL++ and TSan variants need another compiler or incompatible sanitizer flags, so
# each is this same source tree configured again as an ExternalProject. Their binaries
# land in ${CMAKE_BINARY_DIR}/afl and ${CMAKE_BINARY_DIR}/tsan.
include(ExternalProject)

find_program(AFL_CLANG_FAST afl-clang-fast)
if(AFL_CLANG_FAST)
  ExternalProject_Add(racefuzz_afl
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${CMAKE_BINARY_DIR}/afl
    CMAKE_ARGS -DCMAKE_C_COMPILER=${AFL_CLANG_FAST} -DRACEFUZZ_ENGINE=afl
               -DRACEFUZZ_SANITIZER=address -DRACEFUZZ_SUBBUILDS=OFF -DRACEFUZZ_TESTS=OFF
               -DRACEFUZZ_WERROR=${RACEFUZZ_WERROR} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON)
  set(RACEFUZZ_AFL_DIR ${CMAKE_BINARY_DIR}/afl CACHE INTERNAL "")
else()
  message(WARNING "afl-clang-fast not found: AFL++ variants are not built (run scripts/setup.sh)")
endif()

# ThreadSanitizer cannot share a binary with ASan: its libFuzzer targets are a tree of
# their own (frames mode: data races in the C layer).
ExternalProject_Add(racefuzz_tsan
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/tsan
  CMAKE_ARGS -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER} -DRACEFUZZ_ENGINE=libfuzzer
             -DRACEFUZZ_SANITIZER=thread -DRACEFUZZ_SUBBUILDS=OFF -DRACEFUZZ_TESTS=OFF
             -DRACEFUZZ_WERROR=${RACEFUZZ_WERROR} -DCMAKE_BUILD_TYPE=RelWithDebInfo
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)
