#!/usr/bin/env bash
# Regenerate the images in docs/ from the demo (needs Debian's chromium, libreoffice-impress and
# poppler-utils: apt-get install -y chromium libreoffice-impress poppler-utils).
# Usage: scripts/screenshots.sh [OUT]   (OUT: a `scorecard demo` folder, default output/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-output/demo}
[ -f "$out/deck.pptx" ] || .venv/bin/scorecard demo --out "$out"
tmp=$(mktemp -d)
shot() {  # shot PNG HTML HEIGHT
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars \
    --window-size=1200,"$3" --screenshot="$1" "file://$PWD/$2" 2>/dev/null
}
cards="$out/scorecards"
agent=$(ls "$cards"/agent/*.html | grep -v index.html | head -1)
team=$(ls "$cards"/team_lead/*.html | grep -v index.html | head -1)
ops=$(ls "$cards"/operations_manager/*.html | grep -v index.html | head -1)
shot docs/scorecard-agent.png "$agent" 1000
shot docs/scorecard-team-lead.png "$team" 1900
shot docs/scorecard-operations-manager.png "$ops" 2600
soffice --headless --convert-to pdf --outdir "$tmp" "${DECK:-$out/deck.pptx}" >/dev/null 2>&1
pdftoppm -png -r 80 "$tmp/deck.pdf" "$tmp/slide"
ls "$tmp"/slide-*.png
echo "slides rendered in $tmp: copy the ones to publish into docs/deck-*.png"
