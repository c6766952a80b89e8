# Every dependency comes from a Debian package (scripts/setup-deps installs them).
find_package(PkgConfig REQUIRED)
find_package(simdjson REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)
# tincay serve's HTTP server (docs/http-library.md).
pkg_check_modules(MICROHTTPD REQUIRED IMPORTED_TARGET libmicrohttpd)
# Scale-out (docs/scaling.md): PostgreSQL store (libpq) and the NATS JetStream client (cnats).
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
# PNG charts of tincay trends --plot (src/analytics/plot_png.cc).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-ft freetype2)
# Rule matching uses Hyperscan where it exists (x86-64); elsewhere the portable matcher serves the
# same interface (src/detect/rules/matcher.h).
option(TINCAY_WITH_HYPERSCAN "Match rule packs with Hyperscan when libhs is available" ON)
if(TINCAY_WITH_HYPERSCAN)
  pkg_check_modules(HYPERSCAN IMPORTED_TARGET libhs)
  if(NOT HYPERSCAN_FOUND)
    message(STATUS "libhs not found: rule packs use the portable matcher")
    set(TINCAY_WITH_HYPERSCAN OFF)
  endif()
endif()
if(TINCAY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TINCAY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
