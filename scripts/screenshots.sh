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
# The deck of March 2026: the month with two service credits (set DECK to use another deck).
deck=${DECK:-$out/deck-2026-03.pptx}
[ -f "$deck" ] || .venv/bin/scorecard deck contracts/acme-travel-nordlys.yaml --data "$out/data" \
  --period 2026-03 --actions examples/actions.yaml --out "$deck" >/dev/null
soffice --headless --convert-to pdf --outdir "$tmp" "$deck" >/dev/null 2>&1
pdftoppm -png -r 80 "$tmp/$(basename "${deck%.pptx}").pdf" "$tmp/slide"
# Publish slides by title, so a new section does not shift the images.
.venv/bin/python - "$deck" "$tmp" <<'PY'
import shutil, sys
from pathlib import Path
from pptx import Presentation
deck, tmp = sys.argv[1], Path(sys.argv[2])
wanted = {"Executive summary": "summary", "Service levels": "service-levels",
          "Service credits": "credits", "Contact reasons": "contact-reasons"}
slides = sorted(tmp.glob("slide-*.png"), key=lambda p: int(p.stem.split("-")[1]))
for number, slide in enumerate(Presentation(deck).slides):
    title = slide.shapes.title.text if slide.shapes.title else ""
    for start, name in wanted.items():
        target = Path("docs") / f"deck-{name}.png"
        if title.startswith(start) and not target.exists():
            shutil.copy(slides[number], target)
            print("wrote", target)
PY
