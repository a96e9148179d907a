# Cross-builds fantrace for arm64 on an x86-64 Debian machine, with
# Debian's tools: gcc's aarch64 cross compiler (crossbuild-essential-arm64)
# and the multiarch :arm64 development packages, which install their
# libraries under /usr/lib/aarch64-linux-gnu beside the machine's own
# (scripts/install-deps --arm64 installs both). The BPF objects are built
# by the machine's clang for __TARGET_ARCH_arm64 (src/bpf/CMakeLists.txt).
#
#   cmake -B build-arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's cross gcc looks in /usr/include and /usr/lib/aarch64-linux-gnu
# itself: the root is /, only the library directory differs. Programs
# (clang, bpftool, sh) are the building machine's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)

# libpq-dev is not Multi-Arch: same in Debian 12, so it cannot be installed
# for both architectures: the headers are the machine's (the same on both
# 64-bit little-endian ABIs), the library libpq5:arm64's.
set(PostgreSQL_INCLUDE_DIR /usr/include/postgresql CACHE PATH "")
set(PostgreSQL_LIBRARY /usr/lib/aarch64-linux-gnu/libpq.so.5 CACHE FILEPATH "")
