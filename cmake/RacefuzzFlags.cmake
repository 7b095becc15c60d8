# Warning and sanitizer flags, applied per target: the AFL++ mutator library must stay
# uninstrumented while the tests beside it run under ASan, so nothing here is global.

# The sources the helpers compile into every target (fuzz/, common/, mutators/, go/): the
# folder above this module's, which is racefuzz's source tree or, installed,
# share/racefuzz (racefuzzConfig.cmake). Global, so a helper called in any directory of a
# user's project finds it.
get_filename_component(_rf_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(RACEFUZZ_SOURCE_ROOT "${_rf_root}" CACHE INTERNAL "racefuzz sources the helpers build")

set(RACEFUZZ_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wno-unused-parameter)
if(RACEFUZZ_WERROR)
  list(APPEND RACEFUZZ_WARNINGS -Werror)
endif()

if(RACEFUZZ_SANITIZER STREQUAL "address")
  set(RACEFUZZ_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
elseif(RACEFUZZ_SANITIZER STREQUAL "thread")
  set(RACEFUZZ_SAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(RACEFUZZ_SANITIZER STREQUAL "none")
  set(RACEFUZZ_SAN_FLAGS "")
else()
  message(FATAL_ERROR "RACEFUZZ_SANITIZER must be address, thread or none, not '${RACEFUZZ_SANITIZER}'")
endif()

# Warnings only: for code that runs inside an engine (the AFL++ mutator library).
function(racefuzz_warnings target)
  target_compile_options(${target} PRIVATE ${RACEFUZZ_WARNINGS})
endfunction()

# Warnings plus the configured sanitizers, at compile and link time.
function(racefuzz_sanitize target)
  racefuzz_warnings(${target})
  target_compile_options(${target} PRIVATE ${RACEFUZZ_SAN_FLAGS} -g)
  target_link_options(${target} PRIVATE ${RACEFUZZ_SAN_FLAGS})
endfunction()
