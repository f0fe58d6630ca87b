"""The OCR engine: RapidOCR's PP-OCR models, shipped inside the ``rapidocr`` wheel, on onnxruntime.

Nothing is ever downloaded: the three model files are named explicitly (RapidOCR fetches a
model only when it is given none), and a missing file is an :class:`OcrUnavailable` error with
a Chinese message. One engine per process, built on first use; recognition is batched.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gongkai.errors import InputError

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
MODELS = (DET_MODEL, REC_MODEL, CLS_MODEL)


class OcrUnavailable(InputError):
    """The OCR package or its bundled models are not installed."""


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    score: float


def model_dir() -> Path:
    """The directory of the models inside the installed ``rapidocr`` package."""
    try:
        import rapidocr
    except ImportError as e:  # pragma: no cover - a broken installation
        raise OcrUnavailable(
            "未安装文字识别（OCR）组件 rapidocr，无法读取扫描件和图片；请重新安装 gongkai。"
        ) from e
    return Path(rapidocr.__file__).resolve().parent / "models"


def model_paths() -> dict[str, Path]:
    """Det, rec and cls model files; refused when one is missing (it would be downloaded)."""
    root = model_dir()
    paths = {"det": root / DET_MODEL, "rec": root / REC_MODEL, "cls": root / CLS_MODEL}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise OcrUnavailable(
            f"文字识别（OCR）模型文件缺失（{'、'.join(missing)}），gongkai 不会联网下载模型；"
            "请重新安装 rapidocr。"
        )
    return paths


_lock = threading.Lock()
_engine: Any = None


def engine() -> Any:
    """The process's RapidOCR engine, with explicit model paths and quiet logging."""
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            paths = model_paths()
            _engine = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,
                    "Det.model_path": str(paths["det"]),
                    "Rec.model_path": str(paths["rec"]),
                    "Cls.model_path": str(paths["cls"]),
                    "Det.limit_type": "max",
                    "Det.limit_side_len": 1600,
                    # one thread per inference: pages run in parallel (--jobs), and on a small
                    # machine a second intra-op thread makes recognition slower, not faster
                    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
            )
        return _engine


REC_HEIGHT = 48
MIN_WIDTH = 16
BATCH_COLUMNS = 2400  # columns of one recognition batch: cost grows with the total width


def recognize(images: list[np.ndarray]) -> list[Text]:
    """The text and score of each image of one text line.

    Each image is scaled to the recogniser's height and keeps its own width (RapidOCR would pad
    every line to at least 320 columns, which costs ten times as much for a cell holding "0");
    lines of similar width are batched together.
    """
    if not images:
        return []
    rec = engine()._load_rec_model()
    prepared = [_rec_input(i) for i in images]
    order = sorted(range(len(prepared)), key=lambda k: prepared[k].shape[2])
    out: list[Text | None] = [None] * len(images)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order):
            w = prepared[order[end]].shape[2]
            if w * (end - start + 1) > BATCH_COLUMNS or w > 1.3 * prepared[order[start]].shape[2]:
                break
            end += 1
        idx = order[start:end]
        width = max(prepared[k].shape[2] for k in idx)
        batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
        ratios = []
        for n, k in enumerate(idx):
            x = prepared[k]
            batch[n, :, :, : x.shape[2]] = x
            ratios.append(x.shape[2] / REC_HEIGHT)
        preds = rec.session(batch)
        lines, _ = rec.postprocess_op(preds, False, wh_ratio_list=ratios, max_wh_ratio=width / REC_HEIGHT)
        for n, (k, (text, score)) in enumerate(zip(idx, lines, strict=True)):
            if text and text.isascii() and any(ch.isdigit() for ch in text):
                text, score = _digit_decode(rec.postprocess_op, preds[n])
            out[k] = Text(text or "", float(score))
        start = end
    return [t if t is not None else Text("", 0.0) for t in out]


# In a number, "O" and "o" can only be the digit 0: their probability is the digit's.
_ZERO_TWINS = ("0", "O", "o")


def _digit_decode(post: Any, pred: np.ndarray) -> tuple[str, float]:
    """Greedy CTC decoding of one line that reads as a number, with 0 and its letter twins
    taken as one character (a lone "0" is otherwise scored low for looking like an "O")."""
    table = post.dict
    twins = [table[c] for c in _ZERO_TWINS if c in table]
    probs = pred.copy()
    if len(twins) > 1:
        zero = twins[0]
        probs[:, zero] = pred[:, twins].sum(axis=1)
        probs[:, twins[1:]] = 0.0
    idx = probs.argmax(axis=1)
    best = probs.max(axis=1)
    chars: list[str] = []
    scores: list[float] = []
    prev = -1
    for t, i in enumerate(idx):
        if i != 0 and i != prev:
            chars.append(post.character[i])
            scores.append(float(best[t]))
        prev = i
    if not chars:
        return "", 0.0
    return "".join(chars), float(np.mean(scores))


def _rec_input(image: np.ndarray) -> np.ndarray:
    img = _bgr(image)
    h, w = img.shape[:2]
    width = max(MIN_WIDTH, int(np.ceil(REC_HEIGHT * w / max(1, h))))
    resized = cv2.resize(img, (width, REC_HEIGHT)).astype(np.float32)
    return (resized.transpose((2, 0, 1)) / 255.0 - 0.5) / 0.5


def _bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.ascontiguousarray(np.stack([image] * 3, axis=-1))
    return np.ascontiguousarray(image)


__all__ = [
    "MODELS",
    "OcrUnavailable",
    "Text",
    "engine",
    "model_dir",
    "model_paths",
    "recognize",
]
