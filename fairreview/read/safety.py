"""Guards against hostile or broken containers: zip bombs, XML bombs, encrypted packages, runaway output.

Every reader that opens a container goes through these helpers, so one place decides what is refused and
the refusal is a :class:`ReadError` with a Chinese message (the scan records it and goes on).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from typing import Any

from .base import ReadError
from .limits import current

#: what the zipfile module raises for damaged, truncated or unsupported archives
_BROKEN_ZIP = (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, struct.error,
               zlib.error, RuntimeError)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


class _Budget(zipfile.ZipFile):
    """A package that counts the bytes decompressed from it: a part read again and again (2,000 OFD pages that
    share one content file) uses the budget up as surely as one huge part."""

    inflated = 0


def check_zip(zf: zipfile.ZipFile) -> None:
    limits = current()
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ReadError(f"压缩包内文件过多（{len(infos)} 个），疑似恶意文件")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limits.max_unpacked_bytes or (total > 10 * 1024 * 1024 and total / packed > limits.max_ratio):
        raise ReadError(f"解压后体积异常（{total} 字节，压缩比 {total / packed:.0f}），疑似压缩炸弹")


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """Open a zip package, with the bomb checks; ``what`` names the format in the message."""
    try:
        zf = _Budget(io.BytesIO(data))
        check_zip(zf)
        return zf
    except zipfile.BadZipFile as exc:
        raise ReadError(f"不是有效的 {what} 文件（zip 结构损坏或文件不完整）") from exc
    except _BROKEN_ZIP as exc:
        raise ReadError(f"{what} 文件损坏：{library_reason(exc)}") from exc


def read_member(zf: zipfile.ZipFile, name: str, what: str, limit: int | None = None) -> bytes:
    """One member's bytes, read in chunks so a member that lies about its size cannot exhaust memory; the
    package's budget of decompressed bytes (:attr:`ReadLimits.max_inflated_bytes`) is charged for it."""
    limits = current()
    limit = limit if limit is not None else limits.max_member_bytes
    try:
        with zf.open(name) as fh:
            out = bytearray()
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    mb = limit // (1024 * 1024)
                    raise ReadError(f"{what} 中的 {name} 解压后超过 {mb} MB，疑似压缩炸弹")
                if isinstance(zf, _Budget):
                    zf.inflated += len(chunk)
                    if zf.inflated > limits.max_inflated_bytes:
                        mb = limits.max_inflated_bytes // (1024 * 1024)
                        raise ReadError(f"读取 {what} 时解压的数据超过 {mb} MB（部件被反复引用），疑似恶意文件")
            return bytes(out)
    except KeyError as exc:
        raise ReadError(f"{what} 文件缺少 {name}") from exc
    except _BROKEN_ZIP as exc:
        # CRC errors, truncated data, unsupported compression, zip-level encryption
        raise ReadError(f"{what} 文件损坏（{name}：{library_reason(exc)}）") from exc


def refuse_dtd(xml: bytes, what: str) -> None:
    """Office and OFD XML never declare a DTD; one that does is refused (billion laughs, external
    entities)."""
    if _DTD.search(xml[:65536]) or (len(xml) > 65536 and _DTD.search(xml)):
        raise ReadError(f"{what} 的 XML 含有 DTD/实体声明（疑似 XML 炸弹），拒绝解析")


def check_package_xml(zf: zipfile.ZipFile, what: str) -> None:
    """Pre-check every XML part of an OOXML package before a third-party library parses it."""
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            refuse_dtd(read_member(zf, info.filename, what), what)


def parse_xml(xml: bytes, what: str) -> Any:
    """Parse untrusted XML with defusedxml (no DTDs, no entities, no external references)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    refuse_dtd(xml, what)
    try:
        return fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ReadError(f"{what} 的 XML 含有被禁止的结构（{type(exc).__name__}），拒绝解析") from exc
    except (ParseError, ValueError) as exc:
        raise ReadError(f"{what} 的 XML 损坏：{library_reason(exc)}") from exc


def ole_streams(data: bytes) -> list[str]:
    """Stream names of an OLE compound file ('/'-joined), or a ReadError when the container is broken."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError … on broken files
        raise ReadError(f"OLE 复合文档结构损坏（{type(exc).__name__}），文件可能不完整") from exc
    try:
        return ["/".join(parts) for parts in ole.listdir(streams=True, storages=False)]
    except RecursionError as exc:  # a directory whose entries point back at each other: olefile walks it recursively
        raise ReadError("OLE 复合文档的目录结构自相引用，文件已损坏或是恶意构造的") from exc
    except Exception as exc:  # noqa: BLE001 - any other broken directory entry is the file's fault, not ours
        raise ReadError(f"OLE 复合文档目录损坏（{type(exc).__name__}），文件可能不完整") from exc
    finally:
        ole.close()


def check_ole_encryption(data: bytes) -> list[str]:
    """Refuse password-protected Office files; return the stream names for the caller.

    A password-protected .docx/.xlsx is not a zip at all but an OLE file with ``EncryptedPackage``; an
    encrypted Word 97 file sets ``fEncrypted`` in the FIB at the start of the ``WordDocument`` stream.
    """
    import olefile

    names = ole_streams(data)
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise ReadError("文件已加密或设有打开密码，无法读取（请另存为不加密的文件）")
    if "WordDocument" in names:
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                fib = ole.openstream("WordDocument").read(12)
        except Exception as exc:
            raise ReadError(f"Word 文档结构损坏（{type(exc).__name__}）") from exc
        if len(fib) >= 12 and struct.unpack_from("<H", fib, 10)[0] & 0x0100:
            raise ReadError("Word 文档已加密或设有打开密码，无法读取")
    return names


_LIBRARY_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"There is no item named '([^']{1,80})'"), "缺少部件 {0}"),
    (re.compile(r"no relationship of type"), "缺少必需的部件关系"),
    (re.compile(r"Bad magic number|File name in directory .* and header"), "部件头损坏"),
    (re.compile(r"Bad CRC-32"), "校验和不符（数据被改动或不完整）"),
    (re.compile(r"negative seek value|Truncated file header|Bad offset"), "目录损坏（文件可能被截断）"),
    (re.compile(r"while decompressing data|invalid (?:block type|distance|stored block|code lengths)"),
     "压缩数据损坏"),
    (re.compile(r"compression method|That compression method is not supported"), "使用了不支持的压缩方式"),
    (re.compile(r"encrypted", re.I), "部件已加密"),
    (re.compile(r"[Cc]odec can't decode|Invalid bytes in character encoding|Input is not proper UTF-8"),
     "文字编码错误"),
    (re.compile(r"line (\d+), col(?:umn)? \d+"), "XML 结构损坏（第 {0} 行）"),
    (re.compile(r"Data format error"), "数据格式错误"),
    (re.compile(r"Failed to load page"), "页面无法解析"),
    (re.compile(r"File not in PDF format|Failed to load document"), "无法解析"),
]


def library_reason(exc: BaseException) -> str:
    """A third-party library's error, said in Chinese: what it means for the file, never its English text or a dump
    of the bytes it choked on (the type name stays, for a maintainer)."""
    text = str(exc)
    for pattern, reason in _LIBRARY_REASONS:
        m = pattern.search(text)
        if m:
            return reason.format(*(g[:80] for g in m.groups()))
    return f"无法解析（{type(exc).__name__}）"


def check_text_size(text: str, what: str) -> None:
    limit = current().max_chars
    if len(text) > limit:
        raise ReadError(f"{what} 提取的文字超过 {limit} 字，不像一份规范性文件，已跳过")
