# Shared by scripts/build.sh, fuzz.sh and test.sh (sourced, not run).

# CMake records the absolute source path in a build directory's cache and
# refuses to reuse the directory from anywhere else: after the checkout was
# moved or copied, start that directory afresh.
tt_fresh_build_dir() {
  local dir=$1 cache=$1/CMakeCache.txt home
  [ -f "$cache" ] || return 0
  home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")
  if [ "$home" != "$(pwd -P)" ]; then
    echo "$dir was configured for $home: configuring it afresh for $(pwd -P)" >&2
    rm -rf "$dir"
  fi
}
