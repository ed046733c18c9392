#!/usr/bin/env bash
# Rebuild plotly.min.js (and its brotli copy) from entry.js: the plotly.js version must be the
# one the plotly Python package writes figures for (tests/unit/test_plotly_bundle.py checks it).
# Needs node and npm; the packages are installed into a temporary folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund)
version=$(node -p "require('$work/node_modules/plotly.js/package.json').version")
"$work/node_modules/.bin/esbuild" "$work/entry.js" --bundle --minify --format=iife \
  --global-name=Plotly --target=es2016 --define:global=window --define:define.amd=false \
  --define:process.env.NODE_DEBUG=false --alias:stream=stream-browserify --loader:.css=empty \
  --legal-comments=eof --log-level=warning \
  --banner:js="/*! plotly.js v$version (core, bar, heatmap, sankey) | MIT licence | built by assets/vendor/plotly/build.sh */" \
  --outfile="$here/plotly.min.js"
node -e "
const fs = require('fs'), zlib = require('zlib');
const source = fs.readFileSync('$here/plotly.min.js');
fs.writeFileSync('$here/plotly.min.js.br', zlib.brotliCompressSync(source, {
  params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length},
}));
"
ls -l "$here"/plotly.min.js*
