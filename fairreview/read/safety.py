"""Guards against hostile containers: zip bombs and oversized members."""

from __future__ import annotations

import zipfile

from .base import ReadError

MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 20000


def check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"压缩包内文件过多（{len(infos)} 个），疑似恶意文件")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ReadError(f"解压后体积异常（{total} 字节，压缩比 {total / packed:.0f}），疑似压缩炸弹")
