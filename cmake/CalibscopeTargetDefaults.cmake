# Flags every calibscope target gets: strict warnings, Qt without keyword macros
# (LibTorch declares a method called slots()), and the optional sanitizers.
function(calibscope_target_defaults target)
  target_compile_definitions(${target} PRIVATE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_USE_QSTRINGBUILDER
    CALIBSCOPE_VERSION="${PROJECT_VERSION}")
  target_compile_options(${target} PRIVATE -Wall -Wextra -pedantic)
  if(CALIBSCOPE_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
