#!/usr/bin/env bash
# Render the ledger of examples/ as a clerk would print it: fairreview ledger → LibreOffice (headless) → PDF → PNG.
#
#   bash scripts/render_ledger.sh [OUT_DIR]        (default: build/ledger-render)
#   UPDATE_DOCS=1 bash scripts/render_ledger.sh    also copies page 1 to docs/img/ledger-page1.png
#
# Needs LibreOffice Calc and poppler (Debian: apt-get install -y libreoffice-calc-nogui poppler-utils) and a
# CJK font (fonts-noto-cjk). They are for this check only; fairreview itself never needs them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(realpath -m "${1:-build/ledger-render}")
FAIRREVIEW=${FAIRREVIEW:-$ROOT/.venv/bin/fairreview}
AS_OF=${AS_OF:-2026-11-27}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y libreoffice-calc-nogui poppler-utils）" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cp -r examples "$WORK/examples"
cd "$WORK"
export NO_COLOR=1 FAIRREVIEW_REVIEWER=张三
DB=(--db "$WORK/review.db")  # a throw-away database: never the user's own review records
# a few recorded decisions, as after a review session (answers piped in, one per line)
printf 'c\n\nc\n\nf\n属享受奖补的条件而非准入条件，已按 CO203 一并处理\n\nn\n请起草单位说明“十年不迁出”的依据\nq\n' \
  | "$FAIRREVIEW" review examples "${DB[@]}" --as-of "$AS_OF" >/dev/null || true
"$FAIRREVIEW" decide "examples/云溪县关于规范全县中小学校服采购管理的通知.txt" --conclusion 废止 \
  --reason "指定校服供应企业是文件的主要内容" "${DB[@]}" --as-of "$AS_OF" >/dev/null
"$FAIRREVIEW" ledger examples -o "$OUT/台账.xlsx" "${DB[@]}" --as-of "$AS_OF"
# a private LibreOffice profile: no first-start dialogs, no clash with a LibreOffice the user has open
soffice -env:UserInstallation="file://$WORK/lo-profile" --headless --convert-to pdf --outdir "$OUT" \
  "$OUT/台账.xlsx" >/dev/null
rm -f "$OUT"/ledger-page-*.png
pdftoppm -png -r 80 "$OUT/台账.pdf" "$OUT/ledger-page"
ls "$OUT"
if [ "${UPDATE_DOCS:-0}" = 1 ]; then
  first=$(ls "$OUT"/ledger-page-*.png | sort | head -n 1)
  cp "$first" "$ROOT/docs/img/ledger-page1.png"
  echo "docs/img/ledger-page1.png updated from $first"
fi
