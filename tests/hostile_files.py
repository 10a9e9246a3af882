"""Hostile files generated on demand (never committed): the page bombs of issue 12 and damaged variants of real
fixtures. Used by the tests and by benchmarks/read_bombs.py."""

from __future__ import annotations

import io
import zipfile
import zlib

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
