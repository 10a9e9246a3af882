#!/usr/bin/env bash
# Render what a clerk prints for examples/ — the ledger (台账) or the written review (审查意见) — as LibreOffice
# (headless) shows it: fairreview → .xlsx/.docx → PDF → PNG, after a few decisions recorded as in a review session.
#
#   bash scripts/render_examples.sh ledger|opinion [OUT_DIR]   (default: build/ledger-render, build/opinion-render)
#   UPDATE_DOCS=1 bash scripts/render_examples.sh ledger|opinion    also copies the page kept in docs/img/
#
# Needs LibreOffice (Calc for the ledger, Writer for the review) and poppler (Debian: apt-get install -y
# libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils) and a CJK font (fonts-noto-cjk). They are for
# this check only; fairreview itself never needs them.
set -euo pipefail
KIND=${1:-}
case "$KIND" in
  ledger)  COMMAND=ledger; FILE=台账.xlsx;     STEM=ledger-page;  KEPT=ledger-page1.png;  PAGE=${PAGE:-1} ;;
  opinion) COMMAND=report; FILE=审查意见.docx; STEM=opinion-page; KEPT=opinion-page.png;  PAGE=${PAGE:-3} ;;  # the first page of a document with findings
  *) echo "用法：bash scripts/render_examples.sh ledger|opinion [输出文件夹]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(realpath -m "${2:-build/$KIND-render}")
FAIRREVIEW=${FAIRREVIEW:-$ROOT/.venv/bin/fairreview}
AS_OF=${AS_OF:-2026-11-27}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils）" >&2; exit 2; }
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
"$FAIRREVIEW" "$COMMAND" examples -o "$OUT/$FILE" "${DB[@]}" --as-of "$AS_OF"
# a private LibreOffice profile: no first-start dialogs, no clash with a LibreOffice the user has open
soffice -env:UserInstallation="file://$WORK/lo-profile" --headless --convert-to pdf --outdir "$OUT" \
  "$OUT/$FILE" >/dev/null
rm -f "$OUT/$STEM"-*.png
pdftoppm -png -r 80 "$OUT/${FILE%.*}.pdf" "$OUT/$STEM"
ls "$OUT"
if [ "${UPDATE_DOCS:-0}" = 1 ]; then
  page=$(ls "$OUT/$STEM"-*.png | sort | sed -n "${PAGE}p")
  cp "$page" "$ROOT/docs/img/$KEPT"
  echo "docs/img/$KEPT updated from $page"
fi
