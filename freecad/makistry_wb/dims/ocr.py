# SPDX-License-Identifier: LGPL-2.1-or-later
"""Offline OCR of drawing text: PP-OCR detection and recognition models run with onnxruntime.

The models ship inside the ``rapidocr`` wheel (``rapidocr/models/*.onnx``, with the character
list in the recognition model's metadata); nothing is ever downloaded. Only the model files are
used, not rapidocr's own pipeline (which pulls in requests, omegaconf and a downloader): the
detection map is turned into boxes here, boxes on one text line are merged (so a wide gap after
"Ø" does not split a call-out), and each box is read upright or turned by a quarter turn when it
is taller than wide. Engines are cached per process.
"""

from __future__ import annotations

import importlib.util
import math
import os
import threading
from dataclasses import dataclass

import numpy as np

from .. import errors, runtime

runtime.add_dependency_paths()

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
MODEL_PACKAGE = "rapidocr"

# The detector sees the image with its longer side at these sizes in turn (see detect()).
_DET_SIDES = (1280,)
_DET_THRESHOLD = 0.25
_DET_BOX_THRESHOLD = 0.45
_REC_HEIGHT = 48
_EDGE_NOISE = "1|lI!-—_~一"
_MAX_ASPECT = 18
_UPRIGHT_SURE = 0.9
_EDGE_UNSURE = 0.5
_KIND_SIGNS = frozenset("RØ⌀MøΦ±")


@dataclass
class TextBox:
    """One line of text read from an image: its text, box (x, y, w, h image pixels) and score."""

    text: str
    box: tuple[int, int, int, int]
    score: float
    rotation: int = 0  # quarter turns the text is written at: 0 horizontal, 90 or 270 vertical
    char_x: list[float] | None = None  # image x of each character's centre (horizontal text)


class MissingOcrPackage(errors.MakistryError, ImportError):
    """An OCR package is not installed (an ImportError too, so callers may degrade)."""

    def __init__(self, package: str, message: str):
        super().__init__(errors.MISSING_DEPENDENCY, message)
        self.name = package


def _models_dir() -> str:
    spec = importlib.util.find_spec(MODEL_PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise MissingOcrPackage(
            MODEL_PACKAGE, "Reading dimensions needs the OCR models of the 'rapidocr' package. "
            "Install them with: " + runtime.install_command(["--no-deps", "rapidocr==3.10.0"]))
    return os.path.join(list(spec.submodule_search_locations)[0], "models")


def _import_onnxruntime():
    try:
        import onnxruntime
    except ImportError as exc:
        raise MissingOcrPackage(
            "onnxruntime", f"Reading dimensions needs onnxruntime ({exc}). Install it with: "
            + runtime.install_command(["--no-deps", "onnxruntime"])) from exc
    return onnxruntime


class OcrEngine:
    """The detection and recognition sessions and the recogniser's character list."""

    def __init__(self, det_model: str = DET_MODEL, rec_model: str = REC_MODEL):
        ort = _import_onnxruntime()
        folder = _models_dir()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # Two threads, and no spinning while waiting for work: on a busy machine the spinning
        # threads burn a third more CPU time for nothing.
        options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        paths = [os.path.join(folder, name) for name in (det_model, rec_model)]
        for path in paths:
            if not os.path.isfile(path):
                raise errors.MakistryError(
                    errors.MISSING_DEPENDENCY,
                    f"The OCR model {path} is missing; reinstall the 'rapidocr' package: "
                    + runtime.install_command(["--no-deps", "--force-reinstall", "rapidocr"]))
        providers = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(paths[0], options, providers=providers)
        self.rec = ort.InferenceSession(paths[1], options, providers=providers)
        chars = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.characters = ["<blank>"] + chars + [" "]
        self.lock = threading.Lock()

    # -- detection ---------------------------------------------------------------------------

    def detect(self, rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Axis-aligned boxes (x, y, w, h) of text lines.

        The detector is run at each of ``_DET_SIDES`` (longer image side, pixels); a box found
        only at a later size is added when it overlaps none found before. The model sees text
        touching a line better at some sizes than at others, and small sizes cost little.
        """
        found: list[tuple[int, int, int, int]] = []
        for side in _DET_SIDES:
            boxes = self._detect_at(rgb, side)
            found += [b for b in boxes if not any(_overlap(b, f) > 0.3 for f in found)]
        return _merge_line_boxes(found)

    def _detect_at(self, rgb: np.ndarray, side: int) -> list[tuple[int, int, int, int]]:
        import cv2

        height, width = rgb.shape[:2]
        scale = min(1.0, side / max(height, width))
        det_h = max(32, int(round(height * scale / 32)) * 32)
        det_w = max(32, int(round(width * scale / 32)) * 32)
        resized = cv2.resize(rgb, (det_w, det_h), interpolation=cv2.INTER_AREA)
        mean = np.array([0.485, 0.456, 0.406], np.float32)
        std = np.array([0.229, 0.224, 0.225], np.float32)
        tensor = ((resized.astype(np.float32) / 255.0 - mean) / std).transpose(2, 0, 1)[None]
        with self.lock:
            prob = self.det.run(None, {self.det.get_inputs()[0].name: tensor})[0][0, 0]
        mask = (prob > _DET_THRESHOLD).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
        # Mean probability of every component at once.
        means = np.bincount(labels.ravel(), weights=prob.ravel(), minlength=count) / np.maximum(
            stats[:, 4], 1)
        sx, sy = width / det_w, height / det_h
        boxes = []
        for label in range(1, count):
            x, y, w, h, area = stats[label]
            if area < 6 or min(w, h) < 2 or means[label] < _DET_BOX_THRESHOLD:
                continue
            # DB shrinks text regions when training; grow them back (unclip ratio 1.6).
            grow = max(area * 1.6 / (2 * (w + h)), 0.3 * min(w, h))
            x0, y0 = (x - grow) * sx, (y - grow) * sy
            x1, y1 = (x + w + grow) * sx, (y + h + grow) * sy
            x0, y0 = max(0, int(x0)), max(0, int(y0))
            x1, y1 = min(width, int(math.ceil(x1))), min(height, int(math.ceil(y1)))
            boxes.append((x0, y0, x1 - x0, y1 - y0))
        return boxes

    # -- recognition -------------------------------------------------------------------------

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and mean character confidence for each upright RGB crop."""
        return [(text, score) for text, score, _x in self.recognise_with_positions(crops)]

    def recognise_with_positions(self, crops: list[np.ndarray]
                                 ) -> list[tuple[str, float, list[float]]]:
        """Text, confidence and each character's x centre (crop pixels) for upright crops."""
        import cv2

        results: list[tuple[str, float, list[float]]] = [("", 0.0, [])] * len(crops)
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        # One crop per run: batching pads the narrower crops, which costs more than it saves on
        # this CPU (1.1-1.7 s per sample drawing against 1.3-2.0 s in eights) and changes what
        # they read ("(4)" read as "4" beside a wide neighbour).
        batch = 1
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            widths = [max(8, int(math.ceil(_REC_HEIGHT * crops[i].shape[1] / crops[i].shape[0])))
                      for i in chunk]
            max_w = max(widths)
            tensor = np.zeros((len(chunk), 3, _REC_HEIGHT, max_w), np.float32)
            for row, (i, w) in enumerate(zip(chunk, widths)):
                img = cv2.resize(crops[i], (w, _REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
                tensor[row, :, :, :w] = (img.astype(np.float32) / 255.0 - 0.5).transpose(
                    2, 0, 1) / 0.5
            with self.lock:
                out = self.rec.run(None, {self.rec.get_inputs()[0].name: tensor})[0]
            for row, (i, w) in enumerate(zip(chunk, widths)):
                text, score, steps = self._decode(out[row])
                step_px = max_w / out.shape[1] * crops[i].shape[1] / w
                results[i] = (text, score, [(t + 0.5) * step_px for t in steps])
        return results

    def _decode(self, probs: np.ndarray) -> tuple[str, float, list[int]]:
        """Greedy CTC decoding: characters, their mean confidence and their time steps."""
        best = probs.argmax(axis=1)
        scores = probs.max(axis=1)
        text, confidences, steps, previous = [], [], [], -1
        for step, (index, score) in enumerate(zip(best, scores)):
            if index != previous and index != 0 and index < len(self.characters):
                text.append(self.characters[index])
                confidences.append(float(score))
                steps.append(step)
            previous = index
        # A line or arrowhead touching the text reads as an unsure 1, | or dash at either end.
        while text and text[0] in _EDGE_NOISE and confidences[0] < 0.75:
            text, confidences, steps = text[1:], confidences[1:], steps[1:]
        while text and text[-1] in _EDGE_NOISE and confidences[-1] < 0.75:
            text, confidences, steps = text[:-1], confidences[:-1], steps[:-1]
        # Any character at either end the model is unsure of, after sure ones, is an arrowhead
        # or a line end inside the box ("12" beside its arrowheads read as "124").
        # Never a sign that gives the value its kind (R5 is no 5), nor a decimal (12.5 is no 12).
        while (len(text) > 2 and confidences[-1] < _EDGE_UNSURE and text[-2] not in ".,"
               and min(confidences[:-1]) > 0.9):
            text, confidences, steps = text[:-1], confidences[:-1], steps[:-1]
        while (len(text) > 2 and confidences[0] < _EDGE_UNSURE and text[0] not in _KIND_SIGNS
               and min(confidences[1:]) > 0.9):
            text, confidences, steps = text[1:], confidences[1:], steps[1:]
        mean = float(np.mean(confidences)) if confidences else 0.0
        return "".join(text), mean, steps

    # -- whole image -------------------------------------------------------------------------

    def read(self, rgb: np.ndarray, boxes: list[tuple[int, int, int, int]] | None = None
             ) -> list[TextBox]:
        """Every text line in the image, each read at the orientation that scores best."""
        if boxes is None:
            boxes = self.detect(rgb)
        crops, owners, turns = [], [], []
        for index, (x, y, w, h) in enumerate(boxes):
            crop = rgb[y:y + h, x:x + w]
            if crop.size == 0 or w > _MAX_ASPECT * h:
                continue  # empty, or a line of prose far longer than any call-out
            if h > 1.3 * w:  # vertical text, or one upright character: read it three ways
                for turn in (0, 90, 270):
                    crops.append(np.ascontiguousarray(np.rot90(crop, turn // 90)))
                    owners.append(index)
                    turns.append(turn)
            else:
                crops.append(crop)
                owners.append(index)
                turns.append(0)
        readings = self.recognise_with_positions(crops)
        # Unsure horizontal lines may be upside down (written from the other side of the sheet).
        unsure = [k for k, (reading, turn) in enumerate(zip(readings, turns))
                  if turn == 0 and reading[1] < _UPRIGHT_SURE]
        if unsure:
            flipped = self.recognise_with_positions(
                [np.ascontiguousarray(np.rot90(crops[k], 2)) for k in unsure])
            readings += flipped
            owners += [owners[k] for k in unsure]
            turns += [180] * len(unsure)
        best: dict[int, TextBox] = {}
        for (text, score, xs), index, turn in zip(readings, owners, turns):
            char_x = [boxes[index][0] + x for x in xs] if turn == 0 else None
            if turn == 180:
                score -= 0.02  # upright wins a tie: "69" and "69" turned over both read
            candidate = TextBox(text, boxes[index], score, turn, char_x)
            if index not in best or candidate.score > best[index].score:
                best[index] = candidate
        return [best[i] for i in sorted(best) if best[i].text.strip()]


def _merge_line_boxes(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Join horizontal boxes on one text line separated by less than a character height."""
    boxes = sorted(boxes, key=lambda b: b[0])
    merged = True
    while merged:
        merged = False
        out: list[tuple[int, int, int, int]] = []
        for box in boxes:
            for k, other in enumerate(out):
                if _same_line(other, box):
                    x0, y0 = min(other[0], box[0]), min(other[1], box[1])
                    x1 = max(other[0] + other[2], box[0] + box[2])
                    y1 = max(other[1] + other[3], box[1] + box[3])
                    out[k] = (x0, y0, x1 - x0, y1 - y0)
                    merged = True
                    break
            else:
                out.append(box)
        boxes = out
    return boxes


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(1, min(a[2] * a[3], b[2] * b[3]))


def _same_line(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ah, bh = a[3], b[3]
    top, bottom = max(a[1], b[1]), min(a[1] + ah, b[1] + bh)
    overlap = bottom - top
    if overlap < 0.6 * min(ah, bh) or max(ah, bh) > 1.5 * min(ah, bh):
        return False
    gap = max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2])
    return gap < 0.6 * min(ah, bh)


_ENGINE: OcrEngine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> OcrEngine:
    """The process-wide OCR engine (loading the models takes about a second)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = OcrEngine()
        return _ENGINE
