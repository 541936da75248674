# The sanitizer job's suites and their environment (.ci/run, docs/FUZZING.md).
#
# The test suites of the folders in CALIBSCOPE_ASAN_SUITE_DIRS carry the label `asan`, and the
# target `asan_suites` builds exactly them, so the sanitizer tree compiles the library, these
# suites and calibscope-cli (which the core, export and cli suites run as a subprocess) but not
# the GUI. Left out of the label: suites whose work is done by the GUI library or by Python,
# not by our code under the sanitizers.
set(CALIBSCOPE_ASAN_SUITE_DIRS "core;dataset;observers;export;cli" CACHE STRING
    "Test folders whose suites the sanitizer job (label asan, target asan_suites) runs")
set(CALIBSCOPE_ASAN_SKIPPED_TESTS
  test_html_report   # links the GUI library (calibscope_app) and renders widgets
  test_qat_handoff   # PyTorch in Python trains the exported checkpoint
  test_onnx_export)  # PyTorch and onnx in Python export and check the graph
# The whole-model runs of the demo over thousands of images (test_evaluation, the cli suites,
# cli_demo_flow) are in: the numeric kernels are compiled at -O2 in this tree
# (calibscope_sanitizer_optimize) and the tensor block cache spares ASan's allocator the
# activations' page faults (core/platform/tensor_block_cache.h); docs/FUZZING.md has the times.
add_custom_target(asan_suites)
foreach(dir IN ITEMS core export cli)
  if(dir IN_LIST CALIBSCOPE_ASAN_SUITE_DIRS)
    add_dependencies(asan_suites calibscope-cli)
    break()
  endif()
endforeach()

# Every test of a CALIBSCOPE_SANITIZE build runs with CALIBSCOPE_SANITIZER_ENV. Each ASan or
# LeakSanitizer report goes to a file in CALIBSCOPE_SANITIZER_REPORT_DIR (named after the
# process id), also the report of a calibscope-cli a test runs as a subprocess and of which it
# may only check the exit status (ASan's exit status is 1, the same as a refused input): CI
# fails when that folder holds any file. GCC's UBSan ignores log_path and prints to stderr, so
# it aborts at its first report instead: the process ends by SIGABRT, which no test takes for
# a refused input. LeakSanitizer stays on; lsan.supp names the leaks that are not ours. Code
# under ASan runs several times slower: Qt Test's watchdog and the suites' timeouts
# (calibscope_add_qtest) allow for it.
set(CALIBSCOPE_SANITIZER_REPORT_DIR "${CMAKE_BINARY_DIR}/sanitizer-reports")
set(CALIBSCOPE_SANITIZER_ENV)
if(CALIBSCOPE_SANITIZE)
  file(MAKE_DIRECTORY "${CALIBSCOPE_SANITIZER_REPORT_DIR}")
  set(CALIBSCOPE_SANITIZER_ENV
    "ASAN_OPTIONS=log_path=${CALIBSCOPE_SANITIZER_REPORT_DIR}/report:detect_leaks=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1"
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/fuzz/lsan.supp:print_suppressions=0"
    "QTEST_FUNCTION_TIMEOUT=1800000")
endif()

# calibscope_asan_suite(<test> <labels-var>): adds `asan` to the labels in <labels-var> and
# the test's executable to asan_suites when the test belongs to the sanitizer job.
function(calibscope_asan_suite name labels_var)
  get_filename_component(dir "${CMAKE_CURRENT_SOURCE_DIR}" NAME)
  if(dir IN_LIST CALIBSCOPE_ASAN_SUITE_DIRS AND NOT name IN_LIST CALIBSCOPE_ASAN_SKIPPED_TESTS)
    set(${labels_var} ${${labels_var}} asan PARENT_SCOPE)
    add_dependencies(asan_suites ${name})
  endif()
endfunction()
