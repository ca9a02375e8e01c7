#!/usr/bin/env bash
# Builds the Jupyter Book 2 / MyST-MD embedding example (site/myst-example)
# with npm's mystmd into dist/site/myst-example/, next to the lesson site it
# embeds from (the page reaches ../embed.html and ../assets/), so dist/site
# must exist first (node scripts/build-site.mjs). No network access: mystmd
# downloads its stock site themes, so the example names the local theme in
# site/myst-example/_template instead. The sources are copied to a temporary
# folder so that mystmd's _build/ cache never lands in site/.
set -euo pipefail
cd "$(dirname "$0")/.."

src=site/myst-example
out=dist/site/myst-example
myst=node_modules/mystmd/dist/myst.cjs

if [ ! -f dist/site/embed.html ] || [ ! -f dist/site/assets/tinytorch-page.js ] || [ ! -f dist/site/assets/tinytorch-widget.mjs ]; then
  echo "dist/site is missing or incomplete: run 'node scripts/build-site.mjs' first" >&2
  exit 1
fi
[ -f "$myst" ] || { echo "mystmd is not installed: npm ci" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
# The {anywidget} page's module, as a course author copies it next to the page
# (mystmd copies it into the book's build/ folder), and the theme's host of
# npm's @myst-theme/anywidget renderer (React), bundled into its public/.
cp dist/site/assets/tinytorch-widget.mjs "$work/tinytorch-widget.mjs"
rm -rf "$work/_template/client"
node -e '
  require("esbuild").buildSync({
    entryPoints: [process.argv[1]], outfile: process.argv[2], bundle: true, format: "iife", target: "es2022",
    minify: true, legalComments: "none", logLevel: "warning", define: { "process.env.NODE_ENV": "\"production\"" },
  });' "$src/_template/client/anywidget-host.mjs" "$work/_template/public/anywidget-host.js"
log="$work/myst.log"
# mystmd starts the theme's server (node server.mjs, under sh -c) to render
# the pages and stops only the sh: run it in a session of its own and end
# the whole session afterwards, so no server outlives the build.
(cd "$work" && HOST=localhost exec setsid node "$OLDPWD/$myst" build --html) >"$log" 2>&1 &
pid=$!
status=0
wait "$pid" || status=$?
kill -- "-$pid" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  exit 1
fi
[ -f "$work/_build/html/index.html" ] || { cat "$log" >&2; echo "mystmd wrote no index.html" >&2; exit 1; }
rm -rf "$out"
cp -r "$work/_build/html" "$out"

for f in ../embed.html ../assets/tinytorch-page.js ../assets/fashion-data.js ../assets/embed-host.js ../assets/view.css anywidget-host.js; do
  [ -f "$out/$f" ] || { echo "the example page links $f, which is not in dist/site" >&2; exit 1; }
done
[ -f "$out/anywidget/index.html" ] && ls "$out"/build/tinytorch-widget-*.mjs >/dev/null || { echo "mystmd wrote no anywidget page or widget module" >&2; exit 1; }
echo "dist/site/myst-example: built by mystmd $(node "$myst" --version) ($(find "$out" -type f | wc -l) files)"
