# The AFL++ and TSan variants need another compiler or incompatible sanitizer flags, so
# each is this same source tree configured again as an ExternalProject. Their binaries
# land in ${CMAKE_BINARY_DIR}/afl and ${CMAKE_BINARY_DIR}/tsan.
include(ExternalProject)

# racefuzz_subbuild(<name> <dir> <compiler> <engine> <sanitizer>): the tree's fuzz targets
# only (no tests, no further sub-builds), rebuilt whenever the top level builds.
function(racefuzz_subbuild name dir compiler engine sanitizer)
  ExternalProject_Add(${name}
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${CMAKE_BINARY_DIR}/${dir}
    CMAKE_ARGS -DCMAKE_C_COMPILER=${compiler} -DRACEFUZZ_ENGINE=${engine}
               -DRACEFUZZ_SANITIZER=${sanitizer} -DRACEFUZZ_SUBBUILDS=OFF -DRACEFUZZ_TESTS=OFF
               -DRACEFUZZ_WERROR=${RACEFUZZ_WERROR} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON)
endfunction()

find_program(AFL_CLANG_FAST afl-clang-fast)
if(AFL_CLANG_FAST)
  racefuzz_subbuild(racefuzz_afl afl ${AFL_CLANG_FAST} afl address)
else()
  message(WARNING "afl-clang-fast not found: AFL++ variants are not built (run scripts/setup.sh)")
endif()

# ThreadSanitizer cannot share a binary with ASan: its libFuzzer targets are a tree of
# their own (frames mode: data races in the C layer).
racefuzz_subbuild(racefuzz_tsan tsan ${CMAKE_C_COMPILER} libfuzzer thread)
