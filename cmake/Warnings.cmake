# Warnings are errors everywhere, native and mingw alike.
function(crpki_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith)
  if(MINGW)
    # mingw: catch printf format mismatches against the MS runtime too
    target_compile_options(${target} PRIVATE -Wno-format-nonliteral)
  endif()
endfunction()
