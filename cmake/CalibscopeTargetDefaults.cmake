# Flags every calibscope target gets: strict warnings, Qt without keyword macros
# (LibTorch declares a method called slots()), and the optional sanitizers.
function(calibscope_target_defaults target)
  target_compile_definitions(${target} PRIVATE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_USE_QSTRINGBUILDER
    CALIBSCOPE_VERSION="${PROJECT_VERSION}")
  target_compile_options(${target} PRIVATE -Wall -Wextra -pedantic)
  if(CALIBSCOPE_SANITIZE)
    # UBSan's vptr check needs the RTTI of every polymorphic LibTorch class it meets, and
    # Debian's libtorch does not export all of it (typeinfo for c10::DynamicType): without
    # -fno-sanitize=vptr no target using the JIT IR links.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize=vptr)
    # Unoptimized, an executable would export its copies of Qt 6's inline functions to the Qt 5
    # that LibTorch loads (sanitizer_executable.map says why): it exports nothing.
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_link_options(${target} PRIVATE
        "-Wl,--version-script=${CMAKE_CURRENT_FUNCTION_LIST_DIR}/sanitizer_executable.map")
      set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
        "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/sanitizer_executable.map")
    endif()
  endif()
endfunction()

# calibscope_sanitizer_optimize(<target> [SOURCES <file>...]): in a sanitizer build, compiles
# the target (or only the given sources of it) at -O2. The code stays instrumented, every
# access is still checked; what -O2 removes is -O0's load and store of every local and its call
# into every inline helper (std::min, vector::operator[]), which make the numeric kernels (the
# observers' histograms and searches, the error sums, fake-quantization) 5-10 times slower
# than the rest of the sanitized code and the whole-model suites too slow for CI.
function(calibscope_sanitizer_optimize target)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT CALIBSCOPE_SANITIZE)
    return()
  endif()
  if(ARG_SOURCES)
    set_property(SOURCE ${ARG_SOURCES} TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_OPTIONS -O2)
  else()
    target_compile_options(${target} PRIVATE -O2)
  endif()
endfunction()
