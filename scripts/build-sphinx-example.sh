#!/usr/bin/env bash
# Builds the Sphinx + MyST embedding example (site/sphinx-example) into
# dist/site/sphinx-example/, next to the lesson site it embeds from: the page
# reaches ../embed.html and ../assets/*.js, so dist/site must exist first
# (node scripts/build-site.mjs). Uses Debian's Sphinx 5.3 and MyST parser
# 0.18 through /usr/bin/python3 (a pyenv python3 on PATH lacks them), and
# needs no network access.
set -euo pipefail
cd "$(dirname "$0")/.."

py=/usr/bin/python3
src=site/sphinx-example
out=dist/site/sphinx-example

if [ ! -f dist/site/embed.html ] || [ ! -f dist/site/assets/tinytorch-page.js ]; then
  echo "dist/site is missing or incomplete: run 'node scripts/build-site.mjs' first" >&2
  exit 1
fi
if ! "$py" -c 'import sphinx, myst_parser' 2>/dev/null; then
  echo "$py cannot import sphinx and myst_parser: apt-get install python3-sphinx python3-myst-parser" >&2
  exit 1
fi

# Doctrees (Sphinx's pickled cache) stay out of the deployed folder.
doctrees=$(mktemp -d)
trap 'rm -rf "$doctrees"' EXIT

rm -rf "$out"
"$py" -m sphinx -b html -q -E -d "$doctrees" "$src" "$out"
rm -f "$out/.buildinfo"

# The embeds must resolve from the built page.
for f in ../embed.html ../assets/tinytorch-page.js ../assets/fashion-data.js ../assets/style.css ../assets/view.css ../assets/embed-host.js; do
  [ -f "$out/$f" ] || { echo "the example page links $f, which is not in dist/site" >&2; exit 1; }
done
echo "dist/site/sphinx-example: built ($(find "$out" -type f | wc -l) files)"
