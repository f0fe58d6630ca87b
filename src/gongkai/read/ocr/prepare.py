"""Page images made ready for OCR: decoded, red stamps removed, turned upright, deskewed, unwarped.

Every step works on numpy arrays (OpenCV); none needs the OCR engine except the choice between
upright and upside down, which :mod:`gongkai.read.ocr.page` makes by recognition scores.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np

from gongkai.errors import InputError

MAX_PIXELS = 60_000_000  # one page image; an A4 page at 600 dpi has 35 million
MAX_SIDE = 4200  # larger pages are scaled down (A4 at 360 dpi); text stays far above rec's needs
MAX_FRAMES = 300  # pages of a multi-page TIFF


@dataclass
class Prepared:
    gray: np.ndarray  # uint8, upright and deskewed
    rotation: int  # degrees turned counter-clockwise to make it upright (0, 90, 180, 270)
    skew: float  # degrees of skew corrected
    unwarped: bool  # a photo's perspective corrected
    matrix: np.ndarray  # 3x3: a point of the original image to the prepared one
    speckled: bool = False  # sensor or scanner noise (:func:`noisy`)

    def to_original(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box of the prepared image as the box around it in the original image."""
        x0, y0, x1, y1 = box
        pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64).T
        back = np.linalg.inv(self.matrix) @ pts
        xs, ys = back[0] / back[2], back[1] / back[2]
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def decode_images(data: bytes, name: str = "-") -> list[np.ndarray]:
    """The pages of an image file (PNG, JPEG, TIFF with several pages) as RGB arrays."""
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(io.BytesIO(data))
        frames = []
        for n, frame in enumerate(ImageSequence.Iterator(im)):
            if n >= MAX_FRAMES:
                raise InputError(f"图片文件的页数超过 {MAX_FRAMES} 页，不像是一份年度报告。", source=name)
            frames.append(rgb_array(frame))
        return frames
    except Image.DecompressionBombError:
        raise InputError(
            f"图片过大（超过 {MAX_PIXELS // 1_000_000} 百万像素），不像是一页报告的扫描件，已拒绝读取。",
            source=name,
        ) from None
    except (OSError, ValueError, SyntaxError) as e:
        raise InputError(f"图片文件已损坏或格式不受支持，无法读取（{e}）。", source=name) from None


def rgb_array(image: object) -> np.ndarray:
    """A PIL image as an RGB array, scaled down when larger than :data:`MAX_SIDE`."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    image = image.convert("RGB")
    side = max(image.size)
    if side > MAX_SIDE:
        f = MAX_SIDE / side
        image = image.resize((max(1, round(image.width * f)), max(1, round(image.height * f))))
    return np.asarray(image)


def remove_stamp(rgb: np.ndarray) -> np.ndarray:
    """The page in gray with red ink (a 公章 over the numbers) taken out.

    Under a stamp, only the red channel tells print from paper: the stamp over paper is at the
    stamp's own red level (the brightest red of its pixels), print under it is darker in red by
    the print's contrast. Each red pixel's gray is its red channel's distance below that level,
    doubled: the stamp turns white, black print under it stays dark. Pink pixels next to red ones
    (the anti-aliased edges of the stamp's ring and characters) are taken the same way, or they
    stay behind as the ghost of the stamp's text."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    r = rgb[:, :, 0].astype(np.int16)
    redness = r - np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    red = (r > 90) & (redness > 40)
    if not red.any():
        return gray
    level = float(np.median(r[red]))  # most of a stamp lies over paper
    tinted = (cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & (redness > 12)
    gray = gray.copy()
    gray[tinted] = np.clip(255 - 2 * (level - r[tinted]), 0, 255).astype(np.uint8)
    return gray


def gray_of(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb


def ink(gray: np.ndarray, *, denoise: bool = False, strong: bool = False) -> np.ndarray:
    """Dark pixels as 255 on 0 (adaptive threshold: uneven light of a photo is tolerated).

    ``denoise``: a 3x3 median first, for text (scanner speckle and sensor noise are not ink);
    not for ruling lines, which a median erases where they are one pixel wide. ``strong``: for a
    noisy page, only pixels much darker than their surroundings (print is black on white; noise
    is a few levels either way)."""
    block = max(15, (min(gray.shape[:2]) // 40) | 1)
    src = denoised(gray) if denoise else gray
    c = 35 if strong else 15
    return cv2.adaptiveThreshold(src, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, c)


def _median3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def denoised(gray: np.ndarray) -> np.ndarray:
    """A noisy page with its specks taken out and its thin strokes kept: the darker of a median
    along each row and one along each column (three pixels). A lone speck is lighter than its
    neighbours both ways and goes; a stroke one pixel thick (the strokes of "二" at 200 dpi,
    which a 3x3 median erases) stays dark along its own direction."""
    p = cv2.copyMakeBorder(gray, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
    along_rows = _median3(p[1:-1, :-2], p[1:-1, 1:-1], p[1:-1, 2:])
    along_cols = _median3(p[:-2, 1:-1], p[1:-1, 1:-1], p[2:, 1:-1])
    return np.minimum(along_rows, along_cols)


NOISE_SPECKS = 500  # specks of one to three pixels per million pixels above which a page is noisy


def noisy(gray: np.ndarray) -> bool:
    """Sensor or scanner noise: many specks of ink of one to three pixels (a clean render has
    none; print always comes in larger pieces)."""
    _n, _, stats, _ = cv2.connectedComponentsWithStats(ink(gray), connectivity=8)
    specks = int((stats[1:, cv2.CC_STAT_AREA] <= 3).sum())
    return specks > NOISE_SPECKS * gray.size / 1e6


def _small(binary: np.ndarray, side: int = 1000) -> np.ndarray:
    f = side / max(binary.shape[:2])
    if f >= 1:
        return binary
    return cv2.resize(binary, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def _profile_score(binary: np.ndarray) -> float:
    rows = binary.sum(axis=1, dtype=np.float64)
    return float(np.var(np.diff(rows))) if rows.size > 2 else 0.0


def sideways(gray: np.ndarray, speckled: bool = False, skew: float = 0.0) -> bool:
    """True when the text lines run vertically (the page lies on its side): characters smeared
    along their line make long thin strips in the direction the text runs. ``speckled``: a noisy
    page's ink is taken strictly and without its specks (smeared, the specks of sensor noise join
    into strips of their own, as many one way as the other). ``skew``: the page's skew, turned
    away first."""
    from gongkai.read.ocr.ruling import char_height

    b = _small(ink(gray, denoise=speckled, strong=speckled), 1400)
    b = np.where(b >= 96, 255, 0).astype(np.uint8)
    h, w = b.shape
    if abs(skew) >= 0.05:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        b = cv2.warpAffine(b, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    # ruling lines say nothing about the direction of the text: every piece of ink much larger
    # than a character goes (a table's grid, an underline). Not by opening with long kernels:
    # the rules of a page tilted by half a degree are stair steps that stay behind, and bridge
    # the numbers of a column into strips.
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(b, connectivity=8)
    ch = char_height(b)
    large = (stats[:, cv2.CC_STAT_WIDTH] > 3 * ch) | (stats[:, cv2.CC_STAT_HEIGHT] > 3 * ch)
    large[0] = False
    b[large[labels]] = 0
    ch = char_height(b)
    k = max(3, int(0.7 * ch))

    def strips(kernel: tuple[int, int], axis: int) -> int:
        smear = cv2.dilate(b, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        _n, _, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
        long_, short = stats[1:, 2 + axis], stats[1:, 3 - axis]
        return int(long_[(long_ >= 5 * short) & (long_ >= 4 * ch)].sum())

    return strips((1, k), 1) > 1.5 * strips((k, 1), 0)


def skew_angle(gray: np.ndarray, limit: float = 3.0, step: float = 0.1) -> float:
    """The small rotation (degrees, counter-clockwise positive) that makes text lines and rules
    horizontal, by the sharpest row profile over angles within ``limit``."""
    b = _small(ink(gray), 1200).astype(np.float32)
    h, w = b.shape
    centre = (w / 2, h / 2)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        r = cv2.warpAffine(b, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        return _profile_score(r)

    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, step)
    return round(float(max(fine, key=score)), 2)


def rotate(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotated by ``angle`` degrees counter-clockwise about the centre, canvas grown, white fill;
    and the 3x3 matrix of the move."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    return out, np.vstack([m, [0.0, 0.0, 1.0]])


def turn(gray: np.ndarray, degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """Turned by a multiple of 90 degrees counter-clockwise; and the 3x3 matrix of the move."""
    k = (degrees // 90) % 4
    m = np.eye(3)
    h, w = gray.shape[:2]
    for _ in range(k):  # one quarter turn: (x, y) -> (y, w - 1 - x), then the width is the height
        m = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w - 1.0], [0.0, 0.0, 1.0]]) @ m
        h, w = w, h
    return np.ascontiguousarray(np.rot90(gray, k)), m


def unwarp(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A photo's page or table outline, when it is a clear quadrilateral that is not a rectangle,
    mapped back to a rectangle; None when there is nothing to correct."""
    h, w = gray.shape[:2]
    b = ink(gray)
    lines = cv2.morphologyEx(
        b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1))
    )
    lines = cv2.bitwise_or(
        lines,
        cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 25)))),
    )
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    area = cv2.contourArea(hull)
    if area < 0.1 * h * w:
        return None
    # the outline's corners: extreme points of its hull (slanted rules come out of the
    # morphology as stair steps, so the outline itself is rarely a clean four-sided polygon)
    pts = hull.reshape(-1, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    tl, br, tr, bl = pts[np.argmin(s)], pts[np.argmax(s)], pts[np.argmin(d)], pts[np.argmax(d)]
    ordered = np.array([tl, tr, br, bl], dtype=np.float32)
    if cv2.contourArea(ordered) < 0.95 * area:
        return None  # not a four-cornered outline
    x0, y0 = ordered[:, 0].min(), ordered[:, 1].min()
    x1, y1 = ordered[:, 0].max(), ordered[:, 1].max()
    rect = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    # a rectangle already (within 0.4% of its size): leave it to deskew
    if np.abs(ordered - rect).max() <= 0.004 * max(w, h):
        return None
    # only the mild distortion of a hand-held photo of a flat page is corrected
    if np.abs(ordered - rect).max() > 0.15 * max(w, h):
        return None
    # the outline's own size, centred where it was: a quadrilateral that is only a turned
    # rectangle comes out turned back, not sheared onto its bounding box
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    cx, cy = ordered[:, 0].mean(), ordered[:, 1].mean()
    x0, y0, x1, y1 = cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2
    target = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(ordered, target)
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), m


def prepare(rgb: np.ndarray, allow_unwarp: bool = True) -> Prepared:
    """Stamp removed, turned upright (up to the 180° question), unwarped and deskewed."""
    gray = remove_stamp(rgb) if rgb.ndim == 3 else rgb
    matrix = np.eye(3)
    rotation = 0
    speckled = noisy(gray)
    # rules and text lines are straight at the same angle whichever way the text runs, and a
    # quarter turn keeps the angle: measured once, before the page is turned
    skew = skew_angle(gray)
    if sideways(gray, speckled, skew):
        gray, m = turn(gray, 90)
        rotation, matrix = 90, m @ matrix
    flat = unwarp(gray) if allow_unwarp else None
    if flat is not None:
        gray, matrix = flat[0], flat[1] @ matrix
        skew = skew_angle(gray)
    if abs(skew) >= 0.05:
        gray, m = rotate(gray, skew)
        matrix = m @ matrix
    return Prepared(gray, rotation, skew, flat is not None, matrix, speckled)


def text_image(gray: np.ndarray, speckled: bool) -> np.ndarray:
    """The page as handed to the recogniser: a noisy page median-filtered (its rules are found on
    the page as it is: a median thins faint one-pixel rules away)."""
    return denoised(gray) if speckled else gray


def turned(p: Prepared, degrees: int) -> Prepared:
    """``p`` turned a further multiple of 90 degrees."""
    gray, m = turn(p.gray, degrees)
    return Prepared(gray, (p.rotation + degrees) % 360, p.skew, p.unwarped, m @ p.matrix, p.speckled)


__all__ = [
    "Prepared",
    "decode_images",
    "gray_of",
    "ink",
    "noisy",
    "prepare",
    "remove_stamp",
    "rgb_array",
    "rotate",
    "sideways",
    "skew_angle",
    "text_image",
    "turn",
    "turned",
    "unwarp",
]
