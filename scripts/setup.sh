#!/usr/bin/env bash
# Installs what this project needs and is missing, from Debian's packages
# only (no other downloads). Safe to run again: it installs nothing when
# everything is there. Needs root (or sudo) the first time.
#   setup.sh         everything: build, tests, fuzzing, browser tests (Chromium,
#                    Firefox), Sphinx
#   setup.sh serve   only what building and serving the lesson needs
set -euo pipefail
mode=${1:-all}

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

have_cmd cmake || need+=(cmake)
have_cmd make || need+=(make)
have_cmd emcc || need+=(emscripten)
have_cmd node || need+=(nodejs)
have_cmd npm || need+=(npm)
have_cmd python3 || need+=(python3)
# The lesson page's real images (Fashion-MNIST, Expat licence).
have_pkg dataset-fashion-mnist || need+=(dataset-fashion-mnist)
if [ "$mode" != serve ]; then
have_cmd gcc || need+=(gcc libc6-dev)
# clang's sanitizer and libFuzzer runtimes, for scripts/fuzz.sh (clang
# itself comes with emscripten).
have_pkg libclang-rt-14-dev || need+=(libclang-rt-14-dev)
have_cmd clang-14 || need+=(clang-14)
# NumPy: the live cross-check of Linear against an independent implementation.
have_pkg python3-numpy || need+=(python3-numpy)
# PyTorch: the bench's native column and the export round trip. OpenBLAS
# (pthread build): without it NumPy and PyTorch use the reference BLAS and
# run 20-40x slower.
have_pkg python3-torch || need+=(python3-torch)
have_pkg libopenblas0-pthread || need+=(libopenblas0-pthread)
# Debian's Chromium for the browser tests (driven by npm playwright-core;
# no browser is ever downloaded).
[ -x /usr/bin/chromium ] || need+=(chromium)
# Debian's Firefox ESR for the Firefox browser tests (driven by npm
# puppeteer-core over WebDriver BiDi; again no downloaded browser).
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
# The Sphinx + MyST documentation example that embeds two views.
have_pkg python3-sphinx || need+=(python3-sphinx)
have_pkg python3-myst-parser || need+=(python3-myst-parser)
# A real Jupyter Server for the browser test of the lesson under /files/.
have_pkg python3-jupyter-server || need+=(python3-jupyter-server)
fi

if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing ${need[*]} (Debian packages)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node $(node --version) is too old; tinytorch-wasm needs Node 20 or newer" >&2
  exit 1
fi

# npm devDependencies (TypeScript for the declaration check, tfjs for the
# bench), from the npm registry as pinned in package-lock.json.
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
