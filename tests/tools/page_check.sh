#!/usr/bin/env bash
# Opens a report page in a real browser (Debian's chromium, headless) and checks what a
# person would see: no console message (an error in the page shows there), at least MIN
# plots drawn (SVG <path class="series"> with points in the rendered DOM), no reference to
# anything outside the file, and a screenshot that is not blank (more than a few colours).
# usage: page_check.sh PAGE.html MIN_PLOTS WORKDIR
set -euo pipefail
page=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") min=$2 work=$3
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "FAIL: no chromium (scripts/setup.sh installs it)"; exit 1; }
# As root chromium needs --no-sandbox; its own D-Bus complaints go to the log, not the page.
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
  --user-data-dir="$work/chromium-profile")
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$page" \
  >"$work/dom.html" 2>"$work/console.log"
if grep -a ':CONSOLE' "$work/console.log"; then
  echo "FAIL: the page logged to the console (above)"; exit 1
fi
drawn=$(grep -Eo '<path class="series"[^>]* d="M[0-9.]+ [0-9.]+[^"]*"' "$work/dom.html" | wc -l)
[ "$drawn" -ge "$min" ] || { echo "FAIL: $drawn plots drawn in the DOM, expected $min"; exit 1; }
if grep -Eo '(src|href)="(https?:)?//[^"]*"' "$page"; then
  echo "FAIL: the page loads something from the network (above)"; exit 1
fi
"$browser" "${flags[@]}" --window-size=1000,1400 --screenshot="$work/shot.png" "file://$page" \
  >/dev/null 2>&1
python3 - "$work/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = 1 + w * bpp
# Distinct byte triples in a sample of rows, filter bytes skipped: PNG rows are filtered
# (differences to the left or above), so a blank page gives one or two, a drawn one hundreds.
colours = set()
for y in range(0, len(raw) // stride, 7):
    row = raw[y * stride + 1:(y + 1) * stride]
    colours.update(row[i:i + 3] for i in range(0, len(row), bpp * 5))
assert len(colours) > 8, f"the screenshot looks blank ({len(colours)} colours)"
print(f"page ok: screenshot {w}x{h}, {len(colours)} colour samples")
PY
echo "PASS: $page: $drawn plots drawn, no console message, nothing from the network"
