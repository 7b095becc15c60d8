# Warning and sanitizer flags, applied per target: the AFL++ mutator library must stay
# uninstrumented while the tests beside it run under ASan, so nothing here is global.

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
