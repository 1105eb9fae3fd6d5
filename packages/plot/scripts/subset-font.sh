#!/usr/bin/env bash
# Regenerates fonts/DejaVuSans.ttf and fonts/DejaVuSans-Bold.ttf: subsets of DejaVu Sans 2.37
# (the npm package dejavu-fonts-ttf@2.37.3, 12 MB for every face) with the characters charts use:
# Latin (ASCII, Latin-1, Latin Extended-A), Greek, Cyrillic, punctuation, super- and subscripts,
# letterlike symbols, arrows, mathematical operators (vega writes minus signs as U+2212) and
# geometric shapes; kerning kept, hinting dropped (resvg does not use it).
# Needs fontTools (Debian: apt-get install python3-fonttools) and npm. Run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent dejavu-fonts-ttf@2.37.3 >/dev/null && tar xzf dejavu-fonts-ttf-2.37.3.tgz)
ranges='U+0020-007E,U+00A0-017F,U+0370-03FF,U+0400-04FF,U+2000-206F,U+2070-209F,U+20AC,U+2100-214F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+FFFD'
for face in DejaVuSans DejaVuSans-Bold; do
  python3 -m fontTools.subset "$tmp/package/ttf/$face.ttf" --unicodes="$ranges" \
    --layout-features='kern,liga,ccmp,locl,mark,mkmk' --no-hinting --output-file="$here/fonts/$face.ttf"
done
cp "$tmp/package/LICENSE" "$here/fonts/LICENSE"
ls -l "$here/fonts"
