"""Checks of built and committed files, no boot: the image's header, the
board files' citations."""
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_image_header(t, build, board, image):
    """An arm64 Linux Image header, as the Pi firmware and U-Boot's booti want."""
    name = f"{board} image: arm64 Image header"
    path = os.path.join(build, board, "target", image)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError as e:
        t.fail(name, str(e))
        return
    text_offset, image_size, flags = struct.unpack_from("<QQQ", head, 8)
    magic = head[0x38:0x3c]
    # flags: little-endian, 4 KiB pages (bits 0-2 = 0b010)
    if magic != b"ARM\x64" or text_offset != 0x80000 or flags & 7 != 2 or \
            image_size < os.path.getsize(path):
        t.fail(name, f"magic {magic!r}, text_offset {text_offset:#x}, flags {flags:#x}, "
                     f"image_size {image_size} for a {os.path.getsize(path)}-byte file")
    else:
        t.ok(name, f"  ({image}, {image_size} bytes)")


def check_board_sources(t, board):
    """Every number in a board file's board_init() is named in its comments,
    where the source it comes from is cited."""
    name = f"{board} board file: every constant cites its source"
    text = open(os.path.join(ROOT, "boards", board, "board.c")).read()
    comments = " ".join(re.findall(r"/\*.*?\*/", text, re.S)).replace("_", "")
    body = re.sub(r"/\*.*?\*/", "", text[text.index("void board_init"):], flags=re.S)
    body += " ".join(re.findall(r"^#define \w+\s+(\S+)", text, re.M))
    numbers = set(re.findall(r"\b(0x[0-9a-fA-F]+|\d{4,})", body))
    missing = sorted(n for n in numbers if n.lower() not in comments.lower())
    if missing:
        t.fail(name, "not in the comments: " + ", ".join(missing))
    else:
        t.ok(name, f"  ({len(numbers)} constants)")
