"""Hostile files generated on demand (never committed): the bombs of issue 12, damaged variants of real fixtures
and a whole hostile archive (:func:`hostile_corpus`: mutated fixtures, garbage, hostile names, bombs). Used by the
tests and by benchmarks/read_bombs.py and benchmarks/hostile_run.py."""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_LINE = "第{n}条 为规范政府投资项目管理，提高资金使用效益，根据有关规定，制定本办法。"


def pdf_page_bomb(pages: int = 1999, lines: int = 120, line: str | None = None) -> bytes:
    """A small PDF whose pages all draw one shared content stream (issue 12: 315 KB, 1,999 pages)."""
    text = "".join(f"BT /F1 9 Tf 40 {800 - 6 * (i % 130)} Td ("
                   f"{line or f'Article {i} of the shared content stream, repeated on every page of this file'}"
                   f") Tj ET\n" for i in range(lines)).encode()
    objects: list[bytes] = []
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream")
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents 4 0 R >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def ofd_page_bomb(pages: int = 2000, objects: int = 400) -> bytes:
    """A small OFD whose pages all point at one content file (issue 12: 219 KB, 2,000 pages)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    text_objects = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="20 {20 + 6 * (i % 40)} 170 6" Font="1" Size="3.5">'
        f'<ofd:TextCode X="0" Y="5" DeltaX="g 40 3.5">{_LINE.format(n=i + 1)}</ofd:TextCode></ofd:TextObject>'
        for i in range(objects))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">'
               f"{text_objects}</ofd:Layer></ofd:Content></ofd:Page>")
    page_list = "".join(f'<ofd:Page ID="{i + 100000}" BaseLoc="Pages/Page_0/Content.xml"/>' for i in range(pages))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>9'
                f'</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                f"</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>")
    root = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
            f"<ofd:DocInfo><ofd:DocID>bomb</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            f"</ofd:DocBody></ofd:OFD>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", root)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", content)
    return out.getvalue()


def ofd_document(lines: list[tuple[str, float, float, float]]) -> bytes:
    """A one-page OFD laid out as given: (text, x mm, baseline y mm, font size mm) per visual line."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    objs = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="{x} {y - size} {170 - x} {size * 1.4}" Font="1" Size="{size}">'
        f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {max(0, len(t) - 1)} {size}">{t}</ofd:TextCode>'
        f"</ofd:TextObject>" for i, (t, x, y, size) in enumerate(lines))
    content = f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">{objs}</ofd:Layer></ofd:Content></ofd:Page>'
    document = (f'<ofd:Document {ns}><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                f"</ofd:Pages></ofd:Document>")
    root = (f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
            f"</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", root)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", content)
    return out.getvalue()


def pdf_flate_bomb(inflated_mb: int = 1024) -> bytes:
    """A one-page PDF whose content stream is ``inflated_mb`` MB of spaces, deflated to about a thousandth of that
    (issue 12: "a 1 MB PDF inflates to 2 GB of memory")."""
    co = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [co.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n")]
    parts += [co.compress(chunk) for _ in range(inflated_mb)]
    parts.append(co.flush())
    stream = b"".join(parts)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
               b" /Contents 5 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zip_member_bomb(name: str = "word/document.xml", inflated_mb: int = 1024) -> bytes:
    """A zip package (docx-shaped) with one member that inflates to ``inflated_mb`` MB but declares a small size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        with zf.open(name, "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)
    return out.getvalue()


# -- a hostile archive: mutated real fixtures, garbage, hostile names, bombs ------------------------------------
FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
EXTENSIONS = [".txt", ".md", ".docx", ".doc", ".wps", ".pdf", ".ofd", ".rtf", ".xlsx", ".et", ".xls", ".html", ".htm",
              ".csv", ""]
#: kinds whose every file must end as anything but 保留 (too little text, or no text at all)
GARBAGE = ("random", "short")
_SOURCES = sorted(p for p in FORMATS.rglob("*") if p.is_file() and p.suffix not in (".md", ".fodt"))
_HOSTILE_NAMES = ["\x1b]0;标题\x07", "\x1b[2J", "\u009b31m", "\u202etxt.exe", "=HYPERLINK(1)", "+1", "-2", "@3",
                  "\r", "\t", "\\x1b", "\n"]
_CONTROL = ["\x1b[2J", "\x1b]0;x\x07", "\x00", "\u009b", "\x7f", "\u202e", "\r", "\x0c", "\ufeff"]


@dataclass
class Made:
    """One generated file: what it is made of (``kind``: mutated, random, short, bomb) and how."""

    kind: str
    source: str
    how: str


def _bytes_op(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    ops = []
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(["flip", "flip", "overwrite", "delete", "insert", "truncate", "repeat"])
        pos = rng.randrange(len(buf)) if buf else 0
        if op == "flip" and buf:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == "overwrite":
            chunk = rng.randbytes(rng.randint(1, 64))
            buf[pos:pos + len(chunk)] = chunk
        elif op == "delete":
            del buf[pos:pos + rng.randint(1, 512)]
        elif op == "insert":
            buf[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == "repeat" and buf:
            buf[pos:pos] = bytes(buf[pos:pos + rng.randint(1, 256)]) * rng.randint(2, 20)
        else:
            del buf[pos:]
        ops.append(op)
    return bytes(buf), "+".join(ops)


def _zip_op(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A mutation inside a zip package (docx, xlsx, OFD): a member's bytes, a member dropped or renamed, a DTD."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError):
        return _bytes_op(data, rng)
    if not members:
        return _bytes_op(data, rng)
    k = rng.randrange(len(members))
    name, body = members[k]
    op = rng.choice(["member", "member", "drop", "rename", "dtd", "control"])
    if op == "member":
        members[k] = (name, _bytes_op(body, rng)[0])
    elif op == "drop":
        del members[k]
    elif op == "rename":
        members[k] = (name + ".bak", body)
    elif op == "dtd" and body.lstrip().startswith(b"<"):
        bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        members[k] = (name, bomb + body.split(b"?>", 1)[-1])
    else:
        members[k] = (name, body.replace(b">", b">" + rng.choice(_CONTROL).encode("utf-8"), rng.randint(1, 20)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members:
            zf.writestr(n, b)
    return out.getvalue(), f"zip-{op}:{name}"


def _pdf_op(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A mutation of PDF structure: cut after an object, lose the trailer, break the xref, lie about a length."""
    op = rng.choice(["cut-object", "no-eof", "xref", "length"])
    if op == "cut-object":
        ends = [m.end() for m in re.finditer(rb"endobj", data)]
        return (data[:rng.choice(ends)] if ends else data[: len(data) // 2]), op
    if op == "no-eof":
        return data.replace(b"%%EOF", b""), op
    if op == "xref":
        return re.sub(rb"\d{10} 00000 n", lambda m: b"%010d 00000 n" % rng.randrange(10**6), data), op
    return re.sub(rb"/Length \d+", lambda m: b"/Length %d" % rng.randrange(10**7), data, count=1), op


def _text_op(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Text formats: control characters and escape sequences inside, another encoding, markup cut."""
    text = data.decode("utf-8", "replace")
    op = rng.choice(["control", "gbk", "utf16", "cut-markup", "nul"])
    if op == "control":
        for _ in range(rng.randint(1, 10)):
            pos = rng.randrange(len(text) + 1)
            text = text[:pos] + rng.choice(_CONTROL) + text[pos:]
        return text.encode("utf-8", "surrogatepass"), op
    if op == "gbk":
        return text.encode("gbk", "replace"), op
    if op == "utf16":
        return text.encode("utf-16"), op
    if op == "cut-markup":
        return text.replace(rng.choice(["}", ">", "\\par", "</p>", "第"]), "", rng.randint(1, 50)).encode(), op
    return data.replace(b"\n", b"\x00", rng.randint(1, 20)), op


def _mutated(rng: random.Random) -> tuple[bytes, str, Made]:
    src = rng.choice(_SOURCES)
    data = src.read_bytes()
    if data[:2] == b"PK" and rng.random() < 0.6:
        data, how = _zip_op(data, rng)
    elif data[:5] == b"%PDF-" and rng.random() < 0.5:
        data, how = _pdf_op(data, rng)
    elif src.suffix in (".txt", ".html", ".rtf", ".csv") and rng.random() < 0.5:
        data, how = _text_op(data, rng)
    else:
        data, how = _bytes_op(data, rng)
    ext = src.suffix
    if rng.random() < 0.15:  # a wrong extension
        ext = rng.choice(EXTENSIONS)
        how += f", named {ext or '(none)'}"
    return data, ext, Made("mutated", src.name, how)


def _garbage(rng: random.Random) -> tuple[bytes, str, Made]:
    ext = rng.choice(EXTENSIONS)
    if rng.random() < 0.5:
        data = rng.randbytes(rng.choice([1, 2, 5, 10, 100, 1000, 10_000]))
        return data, ext, Made("random", "", f"{len(data)} random bytes")
    pool = "第一条本办法自发布之日起施行公平竞争审查u x。，\n "
    text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 19)))
    return text.encode(rng.choice(["utf-8", "gbk"])), ext, Made("short", "", f"{len(text)} characters")


def bombs() -> list[tuple[str, bytes, str]]:
    """(extension, bytes, what) of the bombs of issue 12 and a few more."""
    deep_html = "<html><body>" + "<div>" * 100_000 + "第一条 内容。" + "</div>" * 100_000 + "</body></html>"
    return [(".pdf", pdf_page_bomb(), "1,999 pages sharing one content stream"),
            (".ofd", ofd_page_bomb(), "2,000 pages sharing one content file"),
            (".pdf", pdf_flate_bomb(2048), "content stream inflating to 2 GB"),
            (".docx", zip_member_bomb(inflated_mb=1024), "docx member inflating to 1 GB"),
            (".html", deep_html.encode(), "HTML nested 100,000 deep")]


def _name(i: int, made: Made, ext: str, rng: random.Random) -> bytes:
    stem = f"{i:05d}-{made.kind}".encode()
    r = rng.random()
    if r < 0.03:
        stem += "公文".encode("gbk")  # not UTF-8
    elif r < 0.08:
        stem += rng.choice(_HOSTILE_NAMES).encode("utf-8", "surrogatepass").replace(b"/", b"_")
    return stem + ext.encode()


def hostile_corpus(root: Path, count: int, seed: int, with_bombs: bool = True) -> dict[str, Made]:
    """Write ``count`` files under ``root`` (folders of 500): about 80 % mutated fixtures, 20 % garbage, the bombs
    first. Returns what each file is, by path."""
    rng = random.Random(seed)
    made: dict[str, Made] = {}
    items: list[tuple[bytes, str, Made]] = []
    if with_bombs:
        items += [(data, ext, Made("bomb", "", what)) for ext, data, what in bombs()]
    while len(items) < count:
        items.append(_mutated(rng) if rng.random() < 0.8 else _garbage(rng))
    for i, (data, ext, what) in enumerate(items):
        folder = root / f"part-{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = os.path.join(os.fsencode(folder), _name(i, what, ext, rng))
        with open(path, "wb") as fh:
            fh.write(data)
        made[os.fsdecode(path)] = what
    return made


_ENGLISH = re.compile(r"[A-Za-z][A-Za-z ,.'_-]{15,}")


@dataclass
class Verdicts:
    """What a scan of a hostile archive concluded, and what it must never conclude (:func:`judge`)."""

    files: int = 0
    documents: int = 0
    unaccounted: list[str] = field(default_factory=list)
    verdicts: Counter[str] = field(default_factory=Counter)
    retained_garbage: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    errors_without_chinese: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    bombs: list[dict[str, str]] = field(default_factory=list)
    error_shapes: Counter[str] = field(default_factory=Counter)
    longest_error: int = 0
    long_errors: list[str] = field(default_factory=list)  # messages over 200 characters (library text?)
    english_text: list[str] = field(default_factory=list)  # messages carrying a run of English (library text)

    def failures(self) -> list[str]:
        out = []
        if self.unaccounted or self.documents != self.files:
            out.append(f"{self.documents} documents for {self.files} files: {self.unaccounted[:5]}")
        for label, items in (("garbage concluded 保留", self.retained_garbage), ("internal errors", self.internal_errors),
                             ("errors without Chinese", self.errors_without_chinese)):
            if items:
                out.append(f"{len(items)} {label}: {items[:5]}")
        out += [f"bomb not an error: {b['what']}" for b in self.bombs if b["verdict"] != "error"]
        return out


def judge(made: dict[str, Made], documents: list[dict[str, Any]]) -> Verdicts:
    """Check the JSON documents of a scan of :func:`hostile_corpus` against what each file is."""
    from fairreview.escapes import unescape_text

    v = Verdicts(files=len(made), documents=len(documents))
    by_name = {os.fsencode(unescape_text(d["path"])): d for d in documents}
    v.unaccounted = sorted(p for p in made if os.fsencode(p) not in by_name)
    v.verdicts.update(d["verdict"] for d in documents)
    for path, what in made.items():
        d = by_name.get(os.fsencode(path))
        if d is not None:
            _judge_one(v, path, what, d)
    return v


def _judge_one(v: Verdicts, path: str, what: Made, d: dict[str, Any]) -> None:
    shown = f"{path!r} ({what.kind}: {what.source} {what.how})"
    if d["verdict"] == "retain" and (what.kind in GARBAGE or d["chars"] < 20):
        v.retained_garbage.append(f"{shown}, {d['chars']} characters")
    error = d.get("error") or ""
    if what.kind == "bomb":
        v.bombs.append({"what": what.how, "verdict": d["verdict"], "error": error})
    if not error:
        return
    v.error_shapes[re.sub(r"\d+", "N", re.split(r"[：:（(]", error, maxsplit=1)[0])[:60]] += 1
    v.longest_error = max(v.longest_error, len(error))
    if len(error) > 200:
        v.long_errors.append(f"{shown}: {error[:600]}")
    if _ENGLISH.search(error.replace("Microsoft Works", "").replace("WPS Office", "")):
        v.english_text.append(f"{shown}: {error[:300]}")
    if "内部错误" in error:
        v.internal_errors.append(f"{shown}: {error[:300]}")
    if not any("\u4e00" <= c <= "\u9fff" for c in error):
        v.errors_without_chinese.append(f"{shown}: {error[:300]}")
    if "分析超时" in error:
        v.timeouts.append(shown)
