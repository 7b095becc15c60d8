# racefuzz_add_go_target(NAME <name> CONFIG <racefuzz.json>)
#
# The `go` mode harness of a target: the Go package its config's "go" section names,
# linked in-process with racefuzz's adapter (go/adapter) into a libFuzzer target.
#   go.module_dir   the user's Go module, relative to the config
#   go.package      import path of the package the expressions below use
#   go.handler      Go expression of type http.Handler, evaluated once at start-up
#   go.reset        Go statement run before every input (optional; see docs/go-mode.md)
#   go.check        func(*http.Request, int, []byte) error, per response (optional)
#   go.invariant    func() error, after each schedule drains (optional)
#   go.instrument   package patterns given libFuzzer coverage (default: <module>/...)
# Binaries: <name>_fuzzer (libFuzzer, schedule mutator) and <name>_replay (no engine).
#
# How it links, and why: the Go side is a -buildmode=c-archive built with -race (Go's race
# detector is the oracle) and -tags libfuzzer -gcflags=<pkgs>=-d=libfuzzer (Go emits
# 8-bit counters and comparison hooks libFuzzer reads). The C side is not sanitized and
# libFuzzer is linked as its plain archive, -no-pie: -fsanitize=fuzzer would bring a
# second sanitizer runtime that clashes with Go's race runtime (see DESIGN.md).

set(RACEFUZZ_GO "" CACHE FILEPATH "Go toolchain for go-mode targets (default: go on PATH)")

function(_racefuzz_go_find out)
  if(RACEFUZZ_GO)
    set(${out} ${RACEFUZZ_GO} PARENT_SCOPE)
    return()
  endif()
  find_program(RACEFUZZ_GO_FOUND go HINTS /usr/local/go/bin /usr/lib/go/bin /usr/lib/go-1.19/bin)
  if(NOT RACEFUZZ_GO_FOUND)
    message(FATAL_ERROR "go-mode targets need a Go toolchain: install golang-go or set RACEFUZZ_GO")
  endif()
  set(${out} ${RACEFUZZ_GO_FOUND} PARENT_SCOPE)
endfunction()

# A key of the "go" section, or <default> when absent; FATAL_ERROR when required.
function(_racefuzz_go_key json config key default out)
  string(JSON v ERROR_VARIABLE err GET "${json}" go ${key})
  if(err OR v STREQUAL "")
    if(default STREQUAL "REQUIRED")
      message(FATAL_ERROR "${config}: go.${key} is required for a go-mode target")
    endif()
    set(v "${default}")
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

function(_racefuzz_go_module_path moddir config out)
  if(NOT EXISTS ${moddir}/go.mod)
    message(FATAL_ERROR "${config}: go.module_dir: no go.mod in ${moddir}")
  endif()
  file(STRINGS ${moddir}/go.mod line REGEX "^module ")
  string(REGEX REPLACE "^module[ \t]+\"?([^ \t\"]+)\"?.*" "\\1" path "${line}")
  set(${out} ${path} PARENT_SCOPE)
endfunction()

# Writes main.go, go.mod and go.work into gendir. go.work joins the generated main module,
# the user's module and racefuzz's Go module, so no module needs a require or replace line
# and the user's go.sum is used as it is.
function(_racefuzz_go_generate name json config moddir gendir)
  _racefuzz_go_key("${json}" ${config} package REQUIRED pkg)
  _racefuzz_go_key("${json}" ${config} handler REQUIRED RF_GO_HANDLER)
  _racefuzz_go_key("${json}" ${config} reset "" RF_GO_RESET)
  _racefuzz_go_key("${json}" ${config} check nil RF_GO_CHECK)
  _racefuzz_go_key("${json}" ${config} invariant nil RF_GO_INVARIANT)
  set(RF_GO_NAME ${name})
  set(RF_GO_IMPORTS "\t\"${pkg}\"")
  set(RF_FUZZ_DIR ${RACEFUZZ_SOURCE_ROOT}/fuzz/go)
  configure_file(${RACEFUZZ_SOURCE_ROOT}/fuzz/go/main.go.in ${gendir}/main.go @ONLY)
  file(WRITE ${gendir}/go.mod "module racefuzz/gomain/${name}\n\ngo 1.19\n")
  file(WRITE ${gendir}/go.work
    "go 1.19\n\nuse (\n\t.\n\t${moddir}\n\t${RACEFUZZ_SOURCE_ROOT}/go\n)\n")
endfunction()

# libFuzzer as a plain archive, from the compiler's resource directory: "fuzzer" (with its
# main) or "fuzzer_no_main" (the coverage hooks Go's instrumentation calls, for replay).
function(_racefuzz_libfuzzer_archive kind out)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-resource-dir
    OUTPUT_VARIABLE res OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  set(a ${res}/lib/linux/libclang_rt.${kind}-${CMAKE_SYSTEM_PROCESSOR}.a)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${a})
    message(FATAL_ERROR "go-mode targets need libFuzzer's archive; not found at ${a}")
  endif()
  set(${out} ${a} PARENT_SCOPE)
endfunction()

function(racefuzz_add_go_target)
  cmake_parse_arguments(F "" "NAME;CONFIG" "" ${ARGN})
  file(READ ${F_CONFIG} json)
  get_filename_component(cfgdir ${F_CONFIG} DIRECTORY)
  _racefuzz_go_key("${json}" ${F_CONFIG} module_dir "." rel)
  get_filename_component(moddir ${cfgdir}/${rel} ABSOLUTE)
  _racefuzz_go_module_path(${moddir} ${F_CONFIG} modpath)
  _racefuzz_go_key("${json}" ${F_CONFIG} instrument "${modpath}/..." instrument)
  _racefuzz_go_find(go)
  set(gendir ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}_gomain)
  _racefuzz_go_generate(${F_NAME} "${json}" ${F_CONFIG} ${moddir} ${gendir})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${F_CONFIG})

  file(GLOB_RECURSE deps CONFIGURE_DEPENDS ${moddir}/*.go ${moddir}/*.c ${moddir}/*.h
    ${moddir}/go.mod ${RACEFUZZ_SOURCE_ROOT}/go/*.go ${RACEFUZZ_SOURCE_ROOT}/go/go.mod)
  list(FILTER deps EXCLUDE REGEX "_test\\.go$")
  set(archive ${CMAKE_CURRENT_BINARY_DIR}/lib${F_NAME}_go.a)
  add_custom_command(OUTPUT ${archive}
    COMMAND ${CMAKE_COMMAND} -E env GOWORK=${gendir}/go.work GOTOOLCHAIN=local GOFLAGS=
      CGO_ENABLED=1
      ${go} build -buildmode=c-archive -race -tags libfuzzer
      "-gcflags=${instrument}=-d=libfuzzer" -o ${archive} .
    WORKING_DIRECTORY ${gendir}
    DEPENDS ${deps} ${gendir}/main.go ${RACEFUZZ_SOURCE_ROOT}/fuzz/go/go_bridge.h
    COMMENT "go build -buildmode=c-archive -race (${F_NAME})"
    VERBATIM)
  add_custom_target(${F_NAME}_goarchive DEPENDS ${archive})
  # For tests that rebuild the same main package with another Go (tests/gomode/).
  set_target_properties(${F_NAME}_goarchive PROPERTIES RF_GOMAIN_DIR ${gendir}
    RF_GO_INSTRUMENT "${instrument}")
  _racefuzz_go_executables(${F_NAME} ${archive})
endfunction()

# The harness and the glue run beside Go's race runtime: no sanitizer, and our own copies
# of the mutator and common sources, built plain (the libraries are built with ASan).
function(_racefuzz_go_executables name archive)
  set(src ${RACEFUZZ_SOURCE_ROOT})
  set(common ${src}/common/log.c ${src}/common/fileio.c)
  set(codec ${src}/mutators/schedule.c ${src}/mutators/frame.c)
  _racefuzz_libfuzzer_archive(fuzzer libfuzzer)
  _racefuzz_libfuzzer_archive(fuzzer_no_main hooks)
  find_package(Threads REQUIRED)
  foreach(variant fuzzer replay)
    set(exe ${name}_${variant})
    if(variant STREQUAL "fuzzer")
      # The schedule mutator's glue (plain -O2 objects, so no sanitizer runtime comes in).
      add_executable(${exe} ${src}/fuzz/go/harness.c $<TARGET_OBJECTS:rf_glue_sched_libfuzzer>
        ${common})
      set(engine ${libfuzzer} PkgConfig::CJSON)
    else()
      add_executable(${exe} ${src}/fuzz/go/harness.c ${src}/fuzz/replay_main.c ${codec} ${common})
      set(engine ${hooks})
    endif()
    add_dependencies(${exe} ${name}_goarchive)
    target_include_directories(${exe} PRIVATE ${src}/fuzz/go ${src}/mutators ${src}/common)
    target_compile_options(${exe} PRIVATE -g -fno-omit-frame-pointer)
    racefuzz_warnings(${exe})
    target_link_options(${exe} PRIVATE -no-pie)
    target_link_libraries(${exe} PRIVATE ${archive} ${engine} ${RF_GO_GLUE_LIBS} stdc++
      Threads::Threads m dl)
  endforeach()
endfunction()

# racefuzz_add_go_module_tests(NAME <name> DIR <module dir> [LABEL <label>])
#
# Registers `go vet`, a gofmt check and `go test -race` of a Go module, once with the Go
# on PATH and once with each of RACEFUZZ_GO_EXTRA that exists (Debian's Go 1.19 by
# default: the oldest Go the modules support, and what a newcomer's Debian 12 has).
set(RACEFUZZ_GO_EXTRA "/usr/lib/go-1.19/bin/go" CACHE STRING
  "Further Go toolchains the Go modules' tests also run with (skipped if absent)")

function(_racefuzz_go_toolchains out)
  set(gos)
  find_program(RACEFUZZ_GO_ON_PATH go)
  if(RACEFUZZ_GO_ON_PATH)
    list(APPEND gos "go|${RACEFUZZ_GO_ON_PATH}")
  endif()
  foreach(extra ${RACEFUZZ_GO_EXTRA})
    if(EXISTS ${extra})
      execute_process(COMMAND ${extra} env GOVERSION OUTPUT_VARIABLE ver
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      string(REGEX REPLACE "^go([0-9]+)\\.([0-9]+).*" "go\\1\\2" tag "${ver}")
      if(tag)
        list(APPEND gos "${tag}|${extra}")
      endif()
    endif()
  endforeach()
  set(${out} ${gos} PARENT_SCOPE)
endfunction()

function(racefuzz_add_go_module_tests)
  cmake_parse_arguments(F "" "NAME;DIR;LABEL" "" ${ARGN})
  if(NOT F_LABEL)
    set(F_LABEL unit)
  endif()
  _racefuzz_go_toolchains(gos)
  if(NOT gos)
    message(STATUS "${F_NAME}: no Go toolchain, its tests are not registered")
  endif()
  foreach(entry ${gos})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 tag)
    list(GET parts 1 gobin)
    set(test ${F_NAME}_${tag}_should_vet_format_and_pass_race_tests)
    add_test(NAME ${test}
      COMMAND sh -c "\"$1\" vet ./... && test -z \"$(\"$(dirname \"$1\")/gofmt\" -l .)\" && \"$1\" test -short -p 1 -race -count=1 ./..."
        ${F_NAME}-go ${gobin}
      WORKING_DIRECTORY ${F_DIR})
    set_tests_properties(${test} PROPERTIES LABELS ${F_LABEL}
      ENVIRONMENT "CGO_ENABLED=1;GOTOOLCHAIN=local" TIMEOUT 900)
  endforeach()
endfunction()
