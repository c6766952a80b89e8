# Compiler flags reach targets only through these INTERFACE targets, never CMAKE_CXX_FLAGS.
add_library(tincay_warnings INTERFACE)
target_compile_options(tincay_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast)
if(TINCAY_WERROR)
  target_compile_options(tincay_warnings INTERFACE -Werror)
endif()

if(TINCAY_SANITIZE)
  # Applied to everything built here, libraries and tests alike, so reports are complete.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
  add_link_options(-fsanitize=address,undefined)
endif()
