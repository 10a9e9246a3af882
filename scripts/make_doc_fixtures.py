#!/usr/bin/env python3
"""Re-create the Word 97 (.doc), Excel 97 (.xls) and 红头 PDF fixtures with LibreOffice (tests/fixtures/formats/SOURCES.md).

    apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui
    python scripts/make_doc_fixtures.py            # needs ../shared for the two corpus documents

For each .doc it also writes LibreOffice's own plain-text export (``NAME.lo.txt``), the reference the pure
Python reader is measured against (tests/test_read_word97.py).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "fixtures" / "formats"
SHARED = ROOT.parent / "shared" / "corpus"
CORPUS_DOCS = {
    # name: (corpus file, why)
    "regulation-jinan.doc": ("regulations/济南市历史文化名城保护条例(2020-09-25).md", "第X章/第X条, 13k characters"),
    "policy-lanzhou.doc": ("policies/0495.txt", "文号 兰政办发〔2019〕97号, five 办法 with 第X章/第X条"),
}
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
<style:style style:name="Standard" style:family="paragraph"><style:text-properties fo:font-size="16pt"
 style:font-size-asian="16pt"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="22pt"
 style:font-size-asian="22pt"/></style:style>
<style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:text-indent="1.1cm" fo:text-align="justify"/></style:style>
</office:styles>
<office:body><office:text>
"""


def _fodt_from_corpus(text: str) -> str:
    """A corpus text as a Word-like document: the first line a centred title, chapters centred, the rest
    indented body paragraphs (markdown '#' marks and full-width indents removed)."""
    paras = []
    for i, line in enumerate(ln.strip().lstrip("#").strip().lstrip("\u3000") for ln in text.split("\n")):
        if not line:
            continue
        style = "Title" if i == 0 or (line.startswith("第") and "章" in line[:6] and len(line) < 30) else "Body"
        paras.append(f'<text:p text:style-name="{style}">{html.escape(line, quote=False)}</text:p>')
    return _HEAD + "\n".join(paras) + "\n</office:text></office:body></office:document>\n"


def _soffice(args: list[str], cwd: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice is not installed: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui")
    profile = (cwd / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources = []
        for fodt in ("table.fodt", "fields.fodt"):
            shutil.copy(FORMATS / fodt, tmp / fodt)
            sources.append(fodt)
        for doc, (rel, _why) in CORPUS_DOCS.items():
            src = SHARED / rel
            if not src.exists():
                sys.exit(f"{src} is missing: this script needs ../shared/corpus")
            name = doc.replace(".doc", ".fodt")
            (tmp / name).write_text(_fodt_from_corpus(src.read_text(encoding="utf-8")), encoding="utf-8")
            sources.append(name)
        _soffice(["--convert-to", "doc:MS Word 97", *sources], tmp)
        docs = [s.replace(".fodt", ".doc") for s in sources]
        _soffice(["--convert-to", "txt:Text (encoded):UTF8", *docs], tmp)
        for doc in docs:
            shutil.copy(tmp / doc, FORMATS / doc)
            text = (tmp / doc.replace(".doc", ".txt")).read_text(encoding="utf-8-sig")
            (FORMATS / doc.replace(".doc", ".lo.txt")).write_text(text, encoding="utf-8")
            print(f"{doc}: {(FORMATS / doc).stat().st_size} bytes")
        shutil.copy(FORMATS / "redhead.fodt", tmp / "redhead.fodt")
        _soffice(["--convert-to", "pdf:writer_pdf_Export", "redhead.fodt"], tmp)
        shutil.copy(tmp / "redhead.pdf", FORMATS / "redhead.pdf")
        shutil.copy(FORMATS / "policy-list.csv", tmp / "policy-list.csv")
        _soffice(["--infilter=CSV:44,34,76,1", "--convert-to", "xls:MS Excel 97", "policy-list.csv"], tmp)
        shutil.copy(tmp / "policy-list.xls", FORMATS / "policy-list.xls")
        print(f"policy-list.xls: {(FORMATS / 'policy-list.xls').stat().st_size} bytes")


if __name__ == "__main__":
    main()
