"""Scanned copies of reports for testing the OCR reader: pages rendered to images, then degraded
the way scans and phone photos are (noise, blur, JPEG, a small rotation, a red stamp across
cells, a photo's perspective, a page turned a quarter or half turn).

``render_pdf`` renders a PDF's pages (pypdfium2, in process); ``draw_table`` draws a small ruled
table for unit tests without LibreOffice; ``degrade`` applies one named degradation.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEGRADATIONS = ("clean", "noise", "blur", "jpeg", "rotate", "stamp", "perspective", "turn90", "turn180")

_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def cjk_font_path() -> Path | None:
    for p in _FONTS:
        if Path(p).is_file():
            return Path(p)
    return None


def render_pdf(data: bytes, dpi: int = 200) -> list[Image.Image]:
    """Every page of a PDF as an RGB image at ``dpi``."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def images_to_pdf(images: Sequence[Image.Image], dpi: int = 200) -> bytes:
    """A PDF of page images and nothing else: a scan without a text layer."""
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return buf.getvalue()


def draw_table(
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    *,
    heading: str = "",
    size: int = 28,
    row_height: int = 56,
    margin: int = 60,
    spans: dict[tuple[int, int], int] | None = None,
    rule: int = 2,
) -> Image.Image:
    """A ruled table drawn on a white page: ``rows`` of cell texts, column ``widths`` in pixels,
    ``spans[(row, col)] = n`` for a cell spanning ``n`` columns; numbers right-aligned; rules
    ``rule`` pixels wide (an office suite's thin rules are one pixel at 200 dpi)."""
    font_path = cjk_font_path()
    if font_path is None:
        raise RuntimeError("no CJK font installed (fonts-noto-cjk)")
    font = ImageFont.truetype(str(font_path), size)
    spans = spans or {}
    width = sum(widths) + 2 * margin
    top = margin + (2 * row_height if heading else 0)
    height = top + row_height * len(rows) + margin
    im = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(im)
    if heading:
        d.text((margin, margin), heading, font=font, fill="black")
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + w)
    for r, row in enumerate(rows):
        y0, y1 = top + r * row_height, top + (r + 1) * row_height
        c = 0
        for text in row:
            n = spans.get((r, c), 1)
            x0, x1 = xs[c], xs[min(c + n, len(widths))]
            d.rectangle((x0, y0, x1, y1), outline="black", width=rule)
            if text:
                tw = d.textlength(text, font=font)
                numeric = text.replace(".", "").isdigit() or text in ("/", "—")
                x = x1 - tw - 12 if numeric else x0 + 12
                d.text((x, y0 + (row_height - size) / 2 - 2), text, font=font, fill="black")
            c += n
    return im


def degrade(im: Image.Image, kind: str, seed: int = 0) -> Image.Image:
    """One degradation of :data:`DEGRADATIONS`, deterministic for a seed."""
    rng = random.Random(seed)
    im = im.convert("RGB")
    if kind == "clean":
        return im
    if kind == "noise":
        a = np.asarray(im).astype(np.int16)
        noise = np.random.default_rng(seed).normal(0, 18, a.shape[:2])[..., None]
        speckle = np.random.default_rng(seed + 1).random(a.shape[:2]) < 0.002
        a = np.clip(a + noise, 0, 255)
        a[speckle] = 0
        return Image.fromarray(a.astype(np.uint8))
    if kind == "blur":
        return im.filter(ImageFilter.GaussianBlur(radius=1.2))
    if kind == "jpeg":
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=35)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if kind == "rotate":
        angle = rng.choice((-1, 1)) * rng.uniform(0.5, 2.0)
        return im.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    if kind == "stamp":
        return red_stamp(im, rng)
    if kind == "perspective":
        return perspective(im, rng)
    if kind == "turn90":
        return im.transpose(Image.Transpose.ROTATE_90)
    if kind == "turn180":
        return im.transpose(Image.Transpose.ROTATE_180)
    raise ValueError(f"unknown degradation {kind!r}")


def red_stamp(im: Image.Image, rng: random.Random) -> Image.Image:
    """A round red seal (ring, star, text arc) pressed over the lower right of the page's content."""
    w, h = im.size
    r = int(min(w, h) * 0.12)
    cx = int(w * rng.uniform(0.55, 0.75))
    cy = int(h * rng.uniform(0.3, 0.6))
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (220, 30, 30, 170)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 14))
    star = [
        (
            cx + (r * 0.35 if k % 2 == 0 else r * 0.14) * math.cos(math.pi / 2 + k * math.pi / 5),
            cy - (r * 0.35 if k % 2 == 0 else r * 0.14) * math.sin(math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    d.polygon(star, fill=red)
    font_path = cjk_font_path()
    if font_path is not None:
        font = ImageFont.truetype(str(font_path), max(10, r // 5))
        text = "江州市人民政府办公室"
        for k, ch in enumerate(text):
            a = math.pi * (0.85 - 0.7 * k / (len(text) - 1))
            d.text(
                (cx + 0.72 * r * math.cos(a) - r // 10, cy - 0.72 * r * math.sin(a) - r // 10),
                ch,
                font=font,
                fill=red,
            )
    return Image.alpha_composite(im.convert("RGBA"), layer).convert("RGB")


def perspective(im: Image.Image, rng: random.Random) -> Image.Image:
    """A hand-held photo of a flat page: corners moved inwards by up to 4% and lit unevenly."""
    w, h = im.size
    pad = int(0.06 * max(w, h))
    canvas = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (235, 235, 230))
    canvas.paste(im, (pad, pad))
    W, H = canvas.size
    d = [rng.uniform(0.0, 0.04) * min(w, h) for _ in range(8)]
    src = [(d[0], d[1]), (W - d[2], d[3]), (W - d[4], H - d[5]), (d[6], H - d[7])]
    dst = [(0, 0), (W, 0), (W, H), (0, H)]
    coeffs = _perspective_coeffs(dst, src)
    out = canvas.transform(
        (W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=(235, 235, 230)
    )
    a = np.asarray(out).astype(np.float32)
    light = np.linspace(0.88, 1.0, W)[None, :, None]
    return Image.fromarray(np.clip(a * light, 0, 255).astype(np.uint8))


def _perspective_coeffs(
    dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]
) -> list[float]:
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for p in src for c in p], dtype=np.float64)
    return [float(v) for v in np.linalg.solve(a, b)]


__all__ = ["DEGRADATIONS", "cjk_font_path", "degrade", "draw_table", "images_to_pdf", "render_pdf"]
