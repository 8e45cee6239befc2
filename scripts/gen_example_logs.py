#!/usr/bin/env python3
"""Regenerate the ``example-logs/`` folder of sample training logs for ahnb.

Usage::

    python3 scripts/gen_example_logs.py [OUTPUT_DIR]

OUTPUT_DIR defaults to ``example-logs`` in the repository root (the parent of
this script's folder). The folder is deleted and rewritten from scratch; nothing
else is touched.

The output is deterministic: every random number comes from a ``random.Random``
seeded with a fixed string, every timestamp is derived from fixed dates, and no
wall-clock time is read. Running the script twice gives byte-identical files
(the gzip file is written with mtime 0 and no file name).

Only the Python 3.11 standard library is used. PNG and GIF files are encoded by
hand (zlib + struct for PNG, an LZW encoder for GIF).

Projects written:

* ``mnist-cnn/`` (native format, Keras-like, one metrics record per epoch):
  a learning-rate x dropout sweep with three seeds for four configurations,
  media (PNG, animated GIF, inline SVG, inline text), notes, and a README.md.
* ``text-transformer/`` (native format, PyTorch-like, step-based with sparse
  eval metrics and Unix-seconds ``time`` fields).
* ``detectron-style/`` (bare, header-less metric lines as detectron2's
  metrics.json writes them; one plain file and one gzip-compressed file).

Deliberately special or broken files (they exist to exercise ahnb's handling
of real-world mess; keep them when editing this script):

* mnist-cnn/lr0.1-do0.25-seed1.jsonl: learning rate far too high; loss becomes
  Infinity and then NaN (bare tokens, as json.dumps writes them) and stays NaN,
  yet the end record says "finished". ahnb shows it as "diverged".
* mnist-cnn/lr0.01-do0.5-seed2.jsonl: the process crashed while writing: no end
  record, and the LAST line is cut in the middle with no trailing newline.
* mnist-cnn/lr0.0003-do0.5-seed1.jsonl: still training: no end record, but all
  lines are complete (12 of 20 epochs). Shown as "incomplete".
* mnist-cnn/lr0.003-do0.25-bs4096-seed1.jsonl: end record with status "failed"
  and a (multi-line) out-of-memory error message.
* mnist-cnn/lr0.0003-do0.25-seed2.jsonl: end record with status "killed".
* mnist-cnn/lr0.0003-do0.25-seed1.jsonl: header without "project" and "run",
  so both names come from the path (folder name, file name stem).
* text-transformer/script-tag-name.jsonl: header "run" is the literal string
  <script>alert(1)</script> and its notes contain raw HTML with an onerror
  attribute; the site must show the name as text and sanitize the notes.
* text-transformer/small-lr1e-3-seed1.jsonl: one malformed JSON line in the
  middle (a trailing comma inside "metrics"); the build must warn about it
  (file and line number) and keep reading the rest of the file.
* text-transformer/small-lr3e-4-seed1.jsonl: resumed from a checkpoint, so a
  range of steps is logged twice (steps go backwards once); the second values
  win and ahnb warns about the repeated steps.
* detectron-style/retinanet_R_50_FPN_1x.jsonl.gz: gzip-compressed log.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import shutil
import struct
import sys
import zlib
from datetime import datetime, timezone
from pathlib import Path

# --------------------------------------------------------------------------
# small helpers


def sig(x: float, n: int = 5) -> float:
    """Round to n significant digits (non-finite values pass through)."""
    if not math.isfinite(x):
        return x
    if x == 0:
        return 0.0
    return float(f"{x:.{n}g}")


def utc_ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc).timestamp()


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(round(ts), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(obj) -> str:
    # allow_nan=True (the default) writes NaN / Infinity / -Infinity as bare tokens.
    return json.dumps(obj, ensure_ascii=False)


class LogFile:
    """Collects the lines of one log file."""

    def __init__(self, relpath: str):
        self.relpath = relpath
        self.lines: list[str] = []
        self.trailing_newline = True

    def add(self, record: dict) -> None:
        self.lines.append(dumps(record))

    def raw(self, line: str) -> int:
        """Add a raw (possibly invalid) line; returns its 1-based line number."""
        self.lines.append(line)
        return len(self.lines)

    def data(self) -> bytes:
        text = "\n".join(self.lines)
        if self.trailing_newline:
            text += "\n"
        return text.encode("utf-8")


# --------------------------------------------------------------------------
# image encoders (hand-written)


def png_gray(width: int, height: int, pixels: list[list[int]]) -> bytes:
    """Encode an 8-bit grayscale PNG. pixels[y][x] in 0..255."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = bytearray()
    for row in pixels:
        raw.append(0)  # filter type: None
        raw.extend(row)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def lzw_encode(indices: bytes, min_code_size: int) -> bytes:
    """GIF variant of LZW: variable code width, LSB-first bit packing."""
    clear = 1 << min_code_size
    eoi = clear + 1
    out = bytearray()
    bitbuf = 0
    nbits = 0

    def emit(code: int, width: int) -> None:
        nonlocal bitbuf, nbits
        bitbuf |= code << nbits
        nbits += width
        while nbits >= 8:
            out.append(bitbuf & 0xFF)
            bitbuf >>= 8
            nbits -= 8

    def reset():
        return {}, eoi + 1, min_code_size + 1

    table, next_code, width = reset()
    emit(clear, width)
    if not indices:
        emit(eoi, width)
    else:
        prefix = indices[0]
        for c in indices[1:]:
            key = (prefix, c)
            code = table.get(key)
            if code is not None:
                prefix = code
                continue
            emit(prefix, width)
            table[key] = next_code
            next_code += 1
            # The decoder adds its entries one code later than we do, so it
            # widens its codes when *its* next code reaches 1 << width, i.e.
            # when ours exceeds it.
            if next_code > (1 << width) and width < 12:
                width += 1
            if next_code == 4096:
                emit(clear, width)
                table, next_code, width = reset()
            prefix = c
        emit(prefix, width)
        # After reading the last code the decoder adds one more entry and may
        # widen; the end-of-information code must use that width.
        if next_code == (1 << width) and width < 12:
            width += 1
        emit(eoi, width)
    if nbits:
        out.append(bitbuf & 0xFF)
    return bytes(out)


def gif_animated(width: int, height: int, palette: list[tuple[int, int, int]], frames: list[bytes], delay_cs: int) -> bytes:
    """Encode an animated, looping GIF89a with a 256-colour global palette."""
    assert len(palette) == 256
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0xF7, 0, 0)  # GCT present, 8 bit colour, 256 entries
    for r, g, b in palette:
        out += bytes((r, g, b))
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"  # loop forever
    for frame in frames:
        assert len(frame) == width * height
        out += b"\x21\xf9\x04" + bytes((0x04,)) + struct.pack("<H", delay_cs) + b"\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
        out.append(8)  # LZW minimum code size
        data = lzw_encode(frame, 8)
        for i in range(0, len(data), 255):
            block = data[i : i + 255]
            out.append(len(block))
            out += block
        out.append(0)
    out.append(0x3B)
    return bytes(out)


def viridis_palette() -> list[tuple[int, int, int]]:
    anchors = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    pal = []
    for i in range(256):
        t = i / 255 * (len(anchors) - 1)
        k = min(int(t), len(anchors) - 2)
        f = t - k
        a, b = anchors[k], anchors[k + 1]
        pal.append(tuple(round(a[j] + (b[j] - a[j]) * f) for j in range(3)))
    return pal


# --------------------------------------------------------------------------
# hand-drawn digits (stroke font rendered with anti-aliasing)


def _arc(cx, cy, rx, ry, a0, a1, n=14):
    pts = []
    for i in range(n + 1):
        a = math.radians(a0 + (a1 - a0) * i / n)
        pts.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    return pts


# Coordinates in a unit box, x to the right, y downwards.
DIGIT_STROKES = {
    0: [_arc(0.5, 0.5, 0.3, 0.45, 0, 360, 20)],
    1: [[(0.38, 0.22), (0.55, 0.05), (0.55, 0.95)]],
    2: [_arc(0.5, 0.3, 0.27, 0.25, 170, 400, 12) + [(0.18, 0.95), (0.85, 0.95)]],
    3: [_arc(0.5, 0.28, 0.24, 0.23, 200, 450, 12), _arc(0.5, 0.72, 0.28, 0.23, 270, 515, 12)],
    4: [[(0.66, 0.95), (0.66, 0.05), (0.15, 0.68), (0.86, 0.68)]],
    5: [[(0.8, 0.05), (0.32, 0.05), (0.27, 0.46)] + _arc(0.5, 0.68, 0.3, 0.27, 220, 510, 12)],
    6: [[(0.72, 0.05), (0.3, 0.5)], _arc(0.5, 0.7, 0.26, 0.25, 0, 360, 16)],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.42, 0.95)]],
    8: [_arc(0.5, 0.27, 0.21, 0.22, 0, 360, 14), _arc(0.5, 0.72, 0.27, 0.23, 0, 360, 16)],
    9: [_arc(0.5, 0.3, 0.26, 0.25, 0, 360, 16), [(0.76, 0.3), (0.66, 0.95)]],
}


def _seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    t = 0.0 if ll == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ll))
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return math.sqrt(qx * qx + qy * qy)


def render_digit(digit: int, rng: random.Random, messiness: float = 0.0) -> list[list[float]]:
    """A 28x28 image (values 0..1) of a handwritten-looking digit."""
    angle = math.radians(rng.gauss(0, 8 + 22 * messiness))
    shear = rng.gauss(0, 0.12 + 0.2 * messiness)
    scale = 19.0 * rng.uniform(0.85, 1.05)
    aspect = rng.uniform(0.8, 1.1)
    cx = 14 + rng.gauss(0, 0.6 + 1.5 * messiness)
    cy = 14 + rng.gauss(0, 0.6 + 1.5 * messiness)
    half_width = rng.uniform(1.0, 1.6) + messiness * rng.uniform(-0.3, 0.8)
    ca, sa = math.cos(angle), math.sin(angle)
    segs = []
    for stroke in DIGIT_STROKES[digit]:
        pts = []
        for x, y in stroke:
            x += rng.gauss(0, 0.015 + 0.05 * messiness)
            y += rng.gauss(0, 0.015 + 0.05 * messiness)
            u, v = (x - 0.5) * aspect, y - 0.5
            u += shear * v
            pts.append((cx + scale * (ca * u - sa * v), cy + scale * (sa * u + ca * v)))
        # messy digits sometimes lose the end of a stroke
        if messiness > 0.5 and len(pts) > 4 and rng.random() < 0.4:
            pts = pts[: len(pts) - rng.randint(1, len(pts) // 3)]
        segs.extend(zip(pts, pts[1:]))
    img = []
    for yy in range(28):
        row = []
        for xx in range(28):
            px, py = xx + 0.5, yy + 0.5
            d = min(_seg_dist(px, py, a[0], a[1], b[0], b[1]) for a, b in segs)
            row.append(max(0.0, min(1.0, half_width - d + 0.5)))
        img.append(row)
    return img


def digit_grid(digits: list[list[list[float]]], cols: int, gap: int = 2) -> tuple[int, int, list[list[int]]]:
    rows = (len(digits) + cols - 1) // cols
    w = cols * 28 + (cols + 1) * gap
    h = rows * 28 + (rows + 1) * gap
    pix = [[48] * w for _ in range(h)]
    for i, img in enumerate(digits):
        ox = gap + (i % cols) * (28 + gap)
        oy = gap + (i // cols) * (28 + gap)
        for y in range(28):
            for x in range(28):
                pix[oy + y][ox + x] = round(255 * img[y][x])
    return w, h, pix


# --------------------------------------------------------------------------
# project 1: mnist-cnn (Keras-like)

MNIST_PROJECT = "mnist-cnn"
MNIST_EPOCHS = 20
MNIST_TRAIN_SAMPLES = 54000  # 60000 with validation_split 0.1
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

MNIST_LAYERS = [
    {"name": "conv2d", "type": "Conv2D", "output_shape": [None, 26, 26, 32], "params": 320, "trainable": True},
    {"name": "max_pooling2d", "type": "MaxPooling2D", "output_shape": [None, 13, 13, 32], "params": 0, "trainable": True},
    {"name": "conv2d_1", "type": "Conv2D", "output_shape": [None, 11, 11, 64], "params": 18496, "trainable": True},
    {"name": "batch_normalization", "type": "BatchNormalization", "output_shape": [None, 11, 11, 64], "params": 256, "trainable": True},
    {"name": "max_pooling2d_1", "type": "MaxPooling2D", "output_shape": [None, 5, 5, 64], "params": 0, "trainable": True},
    {"name": "flatten", "type": "Flatten", "output_shape": [None, 1600], "params": 0, "trainable": True},
    {"name": "dropout", "type": "Dropout", "output_shape": [None, 1600], "params": 0, "trainable": True},
    {"name": "dense", "type": "Dense", "output_shape": [None, 10], "params": 16010, "trainable": True},
]
# 320 + 18496 + 256 + 16010 = 35082; BatchNormalization's moving mean and
# variance (2 x 64) are not trainable.
MNIST_MODEL = {
    "name": "mnist_cnn",
    "layers": MNIST_LAYERS,
    "total_params": 35082,
    "trainable_params": 34954,
    "non_trainable_params": 128,
}
assert sum(l["params"] for l in MNIST_LAYERS) == MNIST_MODEL["total_params"]

MNIST_HOSTS = {
    "gpu-box-1": {"gpus": ["NVIDIA RTX A6000"], "cpu": "AMD Ryzen Threadripper PRO 5955WX", "cpu_count": 32, "epoch_s": 7.9},
    "gpu-box-2": {"gpus": ["NVIDIA RTX A6000"], "cpu": "AMD Ryzen Threadripper PRO 5955WX", "cpu_count": 32, "epoch_s": 8.1},
    "gpu-box-3": {"gpus": ["NVIDIA A100-SXM4-40GB"], "cpu": "AMD EPYC 7B13", "cpu_count": 24, "epoch_s": 5.6},
}


def mnist_env(host: str) -> dict:
    h = MNIST_HOSTS[host]
    return {
        "host": host,
        "os": "Linux 6.1.0-18-amd64",
        "language": "Python 3.11.7",
        "frameworks": {"keras": "3.3.3", "jax": "0.4.28", "jaxlib": "0.4.28+cuda12.cudnn89", "numpy": "1.26.4"},
        "backend": "jax",
        "cpu": h["cpu"],
        "cpu_count": h["cpu_count"],
        "gpus": h["gpus"],
        "cuda": "12.3",
        "git_commit": "3f9c2ab",
    }


def mnist_notes(lr: float, dropout: float, seed: int, batch_size: int) -> str:
    return (
        f"## Sweep run: lr {lr} × dropout {dropout}\n\n"
        "Part of the March 2026 learning-rate × dropout sweep on MNIST.\n\n"
        f"- optimizer: Adam, initial learning rate `{lr}`, exponential decay 0.95 per epoch\n"
        f"- dropout before the classifier: `{dropout}`\n"
        f"- batch size {batch_size}, seed {seed}\n\n"
        "Base model: the [Keras MNIST convnet example](https://keras.io/examples/vision/mnist_convnet/) "
        "with an extra `BatchNormalization` layer.\n"
    )


# how fast the loss falls, where it starts after epoch 1, and the floors
MNIST_K = {0.0003: 0.16, 0.001: 0.3, 0.003: 0.4, 0.01: 0.45}
MNIST_TRAIN_E1 = {0.0003: 0.72, 0.001: 0.36, 0.003: 0.26, 0.01: 0.31}


def err_from_loss(loss: float) -> float:
    return 0.9 * (1 - math.exp(-loss / 2.72))


def mnist_curves(rng: random.Random, lr: float, dropout: float, epochs: int) -> list[dict]:
    k = MNIST_K[lr] * rng.uniform(0.93, 1.07)
    t1 = MNIST_TRAIN_E1[lr] * rng.uniform(0.94, 1.06)
    tf = (0.011 if dropout < 0.4 else 0.021) * (2.5 if lr >= 0.01 else 1.0) * rng.uniform(0.9, 1.1)
    vf = (0.029 if dropout < 0.4 else 0.026) * (1.5 if lr >= 0.01 else 1.0) * rng.uniform(0.92, 1.08)
    v1 = max(vf * 1.6, t1 * 0.33) * rng.uniform(0.95, 1.05)
    if lr >= 0.003:
        over = (0.0010 if dropout < 0.4 else 0.0003) * (2.5 if lr >= 0.01 else 1.0)
    else:
        over = 0.0003 if dropout < 0.4 else 0.0
    noise_t = 0.03 * (2 if lr >= 0.01 else 1)
    noise_v = 0.05 * (2 if lr >= 0.01 else 1)
    rows = []
    for e in range(1, epochs + 1):
        decay = math.exp(-k * (e - 1))
        loss = (tf + (t1 - tf) * decay) * math.exp(rng.gauss(0, noise_t))
        base_val = vf + (v1 - vf) * decay
        overfit = over * max(0, e - 6) ** 1.4
        wobble = math.exp(rng.gauss(0, noise_v))
        val_loss = (base_val + overfit) * wobble
        acc = 1 - err_from_loss(loss) + rng.gauss(0, 0.0006)
        # overconfident wrong answers raise val_loss much more than they lower val_accuracy
        val_acc = 1 - err_from_loss((base_val + 0.12 * overfit) * wobble) * 1.04 + rng.gauss(0, 0.0012)
        rows.append(
            {
                "loss": sig(loss),
                "accuracy": sig(min(acc, 0.9999), 4),
                "val_loss": sig(val_loss),
                "val_accuracy": sig(min(val_acc, 0.9999), 4),
                "learning_rate": sig(lr * 0.95**e, 4),
            }
        )
    return rows


def diverged_curves(lr: float, epochs: int) -> list[dict]:
    nan, inf = float("nan"), float("inf")
    head = [
        {"loss": 2.9143, "accuracy": 0.2815, "val_loss": 2.3317, "val_accuracy": 0.1137},
        {"loss": 2.4012, "accuracy": 0.1509, "val_loss": 2.3968, "val_accuracy": 0.1035},
        {"loss": 2.3551, "accuracy": 0.1122, "val_loss": 5.8731, "val_accuracy": 0.0978},
        {"loss": 8712.6, "accuracy": 0.1041, "val_loss": 2.7093e7, "val_accuracy": 0.0995},
        {"loss": 4.1187e22, "accuracy": 0.0992, "val_loss": inf, "val_accuracy": 0.0995},
    ]
    rows = []
    for e in range(1, epochs + 1):
        if e <= len(head):
            r = dict(head[e - 1])
        else:
            r = {"loss": nan, "accuracy": 0.0987, "val_loss": nan, "val_accuracy": 0.0995}
        r["learning_rate"] = sig(lr * 0.95**e, 4)
        rows.append(r)
    return rows


def confusion_matrix(rng: random.Random, errors: int) -> list[list[int]]:
    # plausible confusions for a small CNN on MNIST
    pairs = [(4, 9), (9, 4), (7, 2), (2, 7), (3, 5), (5, 3), (8, 3), (9, 7), (6, 0), (5, 6), (8, 9), (7, 9), (1, 7), (2, 8), (0, 6), (3, 8)]
    weights = [9, 7, 6, 4, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2]
    cm = [[0] * 10 for _ in range(10)]
    for _ in range(errors):
        t, p = rng.choices(pairs, weights)[0]
        cm[t][p] += 1
    for t in range(10):
        cm[t][t] = MNIST_TEST_COUNTS[t] - sum(cm[t])
    return cm


def confusion_svg(cm: list[list[int]]) -> str:
    cell, left, top = 30, 40, 40
    size = left + 10 * cell + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + 10}" viewBox="0 0 {size} {size + 10}" font-family="sans-serif" font-size="10">',
        f'<text x="{left + 5 * cell}" y="14" text-anchor="middle" font-size="12">predicted</text>',
        f'<text x="12" y="{top + 5 * cell}" text-anchor="middle" font-size="12" transform="rotate(-90 12 {top + 5 * cell})">true</text>',
    ]
    for i in range(10):
        parts.append(f'<text x="{left + i * cell + cell // 2}" y="{top - 6}" text-anchor="middle">{i}</text>')
        parts.append(f'<text x="{left - 6}" y="{top + i * cell + cell // 2 + 4}" text-anchor="end">{i}</text>')
    for t in range(10):
        row_total = sum(cm[t])
        for p in range(10):
            n = cm[t][p]
            frac = n / row_total
            shade = frac if t == p else min(1.0, frac * 40)
            r = round(247 - (247 - 8) * shade)
            g = round(251 - (251 - 69) * shade)
            b = round(255 - (255 - 148) * shade)
            x, y = left + p * cell, top + t * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#{r:02x}{g:02x}{b:02x}"/>')
            if n:
                colour = "#fff" if shade > 0.5 else "#222"
                parts.append(f'<text x="{x + cell // 2}" y="{y + cell // 2 + 4}" text-anchor="middle" fill="{colour}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def classification_report(cm: list[list[int]]) -> str:
    lines = ["              precision    recall  f1-score   support", ""]
    total = sum(map(sum, cm))
    correct = sum(cm[i][i] for i in range(10))
    ps, rs, fs = [], [], []
    for c in range(10):
        tp = cm[c][c]
        pred = sum(cm[t][c] for t in range(10))
        sup = sum(cm[c])
        p, r = tp / pred, tp / sup
        f = 2 * p * r / (p + r)
        ps.append(p), rs.append(r), fs.append(f)
        lines.append(f"{c:>12}{p:>12.4f}{r:>10.4f}{f:>10.4f}{sup:>10}")
    lines.append("")
    lines.append(f"{'accuracy':>12}{'':>12}{'':>10}{correct / total:>10.4f}{total:>10}")
    lines.append(f"{'macro avg':>12}{sum(ps) / 10:>12.4f}{sum(rs) / 10:>10.4f}{sum(fs) / 10:>10.4f}{total:>10}")
    w = [sum(cm[c]) / total for c in range(10)]
    lines.append(
        f"{'weighted avg':>12}{sum(a * b for a, b in zip(ps, w)):>12.4f}{sum(a * b for a, b in zip(rs, w)):>10.4f}"
        f"{sum(a * b for a, b in zip(fs, w)):>10.4f}{total:>10}"
    )
    return "\n".join(lines) + "\n"


# conv1 filters: clean versions of what a small CNN learns on MNIST
CLEAN_FILTERS = [
    [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],  # horizontal edge (top dark)
    [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],  # horizontal edge (bottom dark)
    [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],  # vertical edge
    [[1, 0, -1], [2, 0, -2], [1, 0, -1]],  # vertical edge (mirrored)
    [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],  # diagonal
    [[2, 1, 0], [1, 0, -1], [0, -1, -2]],  # anti-diagonal
    [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],  # centre-surround
    [[1, 2, 1], [2, 4, 2], [1, 2, 1]],  # blur / stroke detector
]


def feature_map_frames(digit_img: list[list[float]], epoch: int, rng: random.Random, upscale: int = 3) -> list[bytes]:
    frames = []
    blend = math.exp(-(epoch - 1) / 4.0)  # epoch 1: mostly random filters
    for clean in CLEAN_FILTERS:
        norm = max(abs(v) for row in clean for v in row)
        kern = [[(1 - blend) * clean[i][j] / norm + blend * rng.gauss(0, 0.6) for j in range(3)] for i in range(3)]
        fmap = [[0.0] * 26 for _ in range(26)]
        for y in range(26):
            for x in range(26):
                s = 0.0
                for i in range(3):
                    for j in range(3):
                        s += kern[i][j] * digit_img[y + i][x + j]
                fmap[y][x] = max(0.0, s)  # ReLU
        top = max(max(r) for r in fmap) or 1.0
        out = bytearray()
        for y in range(26):
            row = bytearray()
            for x in range(26):
                row.extend([min(255, round(255 * fmap[y][x] / top))] * upscale)
            for _ in range(upscale):
                out.extend(row)
        frames.append(bytes(out))
    return frames


def mnist_runs() -> list[dict]:
    runs = []

    def add(lr, do, seed, **kw):
        bs = kw.pop("batch_size", 128)
        name = f"lr{lr}-do{do}" + (f"-bs{bs}" if bs != 128 else "") + f"-seed{seed}"
        group = f"lr{lr}-do{do}" + (f"-bs{bs}" if bs != 128 else "")
        runs.append({"lr": lr, "do": do, "seed": seed, "batch_size": bs, "name": name, "group": group, "kind": "finished", **kw})

    add(0.0003, 0.25, 1, omit_names=True, test=False)
    add(0.0003, 0.25, 2, kind="killed", stop_epoch=9)
    add(0.0003, 0.5, 1, kind="training", stop_epoch=12)
    for do in (0.25, 0.5):
        for seed in (1, 2, 3):
            add(0.001, do, seed, media=(do == 0.25 and seed == 1) and "full" or None)
    for do in (0.25, 0.5):
        for seed in (1, 2, 3):
            add(0.003, do, seed, media=(do == 0.25 and seed == 1) and "png" or None)
    add(0.01, 0.25, 1)
    add(0.01, 0.5, 1, test=False)
    add(0.01, 0.5, 2, kind="cut", stop_epoch=7)
    add(0.1, 0.25, 1, kind="diverged")
    add(0.003, 0.25, 1, kind="failed", batch_size=4096, stop_epoch=3)
    return runs


def gen_mnist(files: dict[str, bytes], specials: list[str]) -> None:
    base = utc_ts(2026, 3, 2, 9, 0, 0)
    hosts = list(MNIST_HOSTS)
    palette = viridis_palette()
    for idx, run in enumerate(mnist_runs()):
        lr, do, seed, name = run["lr"], run["do"], run["seed"], run["name"]
        rng = random.Random(f"mnist-cnn/{name}")
        host = hosts[idx % 3]
        start = base + idx * 1260 + rng.randint(0, 90)
        log = LogFile(f"{MNIST_PROJECT}/{name}.jsonl")
        header = {"type": "header", "format_version": 1}
        if not run.get("omit_names"):
            header["project"] = MNIST_PROJECT
            header["run"] = name
        header |= {
            "start": rfc3339(start),
            "params": {
                "dropout": do,
                "batch_size": run["batch_size"],
                "epochs": MNIST_EPOCHS,
                "validation_split": 0.1,
                "optimizer": {"name": "adam", "learning_rate": lr, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
                "lr_schedule": {"name": "ExponentialDecay", "decay_steps": math.ceil(MNIST_TRAIN_SAMPLES / run["batch_size"]), "decay_rate": 0.95},
                "augmentation": False,
            },
            "model": MNIST_MODEL,
            "env": mnist_env(host),
            "tags": ["sweep", "cnn"] + (["lr-too-high"] if lr >= 0.1 else []) + (["big-batch"] if run["batch_size"] != 128 else []),
            "seed": seed,
            "group": run["group"],
            "notes": mnist_notes(lr, do, seed, run["batch_size"]),
            "primary_metric": "val_accuracy",
        }
        log.add(header)

        kind = run["kind"]
        if kind == "diverged":
            rows = diverged_curves(lr, MNIST_EPOCHS)
        else:
            rows = mnist_curves(rng, lr, do, MNIST_EPOCHS)
        last_epoch = run.get("stop_epoch", MNIST_EPOCHS)
        epoch_s = MNIST_HOSTS[host]["epoch_s"] * (run["batch_size"] / 128) ** 0.3
        t = start + 14.0  # XLA compilation before the first epoch
        for e in range(1, last_epoch + 1):
            t += epoch_s * rng.uniform(0.97, 1.05) + (9.0 if e == 1 else 0.0)
            rec = {"type": "metrics", "step": e, "epoch": e, "time": round(t, 1), "metrics": rows[e - 1]}
            line = dumps(rec)
            if kind == "cut" and e == last_epoch:
                # The process died while writing this record: cut the line in the
                # middle of the "metrics" key and leave out the final newline.
                log.raw(line[: line.index('"metrics"') + len('"metr')])
                log.trailing_newline = False
                break
            if kind == "failed" and e == last_epoch:
                break  # crashed during this epoch's validation, before logging it
            log.lines.append(line)
            if run.get("media"):
                add_mnist_media(log, files, run, e, rng, palette)
            if kind == "diverged" and e == 5:
                log.add({"type": "note", "step": 5, "text": "Loss went to `Infinity` after epoch 4 and is `NaN` from epoch 6 on: **lr = 0.1 is far too high for Adam** here. Keeping the run for reference."})
            if run.get("media") == "full" and e == 8:
                log.add(
                    {
                        "type": "note",
                        "step": 8,
                        "text": "`val_loss` has flattened out since epoch 6 while `loss` keeps falling.\n\n"
                        "Next: try `ReduceLROnPlateau(patience=2)` instead of the fixed decay.",
                    }
                )
            if kind == "killed" and e == last_epoch:
                log.add({"type": "note", "step": e, "text": "Stopped by hand: the lr 0.001 runs are already better at this epoch."})

        if kind == "cut":
            specials.append(f"{log.relpath}: crashed, no end record, last line cut mid-record without newline")
        elif kind == "training":
            specials.append(f"{log.relpath}: still training, no end record, {last_epoch}/{MNIST_EPOCHS} epochs, all lines complete")
        elif kind == "killed":
            log.add({"type": "end", "status": "killed", "time": rfc3339(t + 3), "error": None})
            specials.append(f"{log.relpath}: status killed after {last_epoch} epochs")
        elif kind == "failed":
            t += epoch_s * 0.8
            log.add(
                {
                    "type": "end",
                    "status": "failed",
                    "time": rfc3339(t),
                    "error": "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 6576668672 bytes.\n"
                    "BufferAssignment OOM Debugging.\n"
                    f"(raised in Model.evaluate during epoch {last_epoch}, batch_size=4096)",
                }
            )
            specials.append(f"{log.relpath}: status failed with an out-of-memory error after {last_epoch - 1} epochs")
        else:
            end = {"type": "end", "status": "finished", "time": rfc3339(t + 6)}
            if kind == "diverged":
                end["metrics"] = {"test_loss": float("nan"), "test_accuracy": 0.098}
                specials.append(f"{log.relpath}: loss becomes Infinity then NaN (status finished; shown as diverged)")
            elif run.get("test", True):
                final = rows[-1]
                errors = round(10000 * (1 - final["val_accuracy"]) * rng.uniform(0.85, 1.0))
                cm = confusion_matrix(rng, errors)
                acc = sum(cm[i][i] for i in range(10)) / 10000
                end["metrics"] = {"test_loss": sig(final["val_loss"] * rng.uniform(0.85, 0.97), 5), "test_accuracy": acc}
                if run.get("media") == "full":
                    log.add(
                        {
                            "type": "media",
                            "step": MNIST_EPOCHS,
                            "name": "confusion_matrix",
                            "kind": "svg",
                            "content": confusion_svg(cm),
                            "title": "Confusion matrix on the test set",
                            "description": "10 000 MNIST test images; rows are true labels, columns predictions.",
                        }
                    )
                    log.add(
                        {
                            "type": "media",
                            "step": MNIST_EPOCHS,
                            "name": "classification_report",
                            "kind": "text",
                            "content": classification_report(cm),
                            "title": "Classification report (test set)",
                            "description": "Output of sklearn.metrics.classification_report(digits=4).",
                        }
                    )
            end["error"] = None
            log.add(end)
            if run.get("omit_names"):
                specials.append(f"{log.relpath}: header without project/run (names come from the path)")
        files[log.relpath] = log.data()


def add_mnist_media(log: LogFile, files: dict[str, bytes], run: dict, epoch: int, rng: random.Random, palette) -> None:
    name = run["name"]
    png_epochs = (1, 5, 10, 15, 20) if run["media"] == "full" else (1, 10, 20)
    if epoch in png_epochs:
        mrng = random.Random(f"misclassified/{name}/{epoch}")
        n_wrong = round(6000 * (1 - log_val_acc(log)))
        shown = min(16, n_wrong)
        labels = []
        imgs = []
        for _ in range(shown):
            true = mrng.randrange(10)
            pred = mrng.choice([d for d in range(10) if d != true])
            labels.append(f"{true}→{pred}")
            imgs.append(render_digit(true, mrng, messiness=mrng.uniform(0.5, 1.0)))
        w, h, pix = digit_grid(imgs, 4)
        rel = f"media/{name}/misclassified-e{epoch:02d}.png"
        files[f"{MNIST_PROJECT}/{rel}"] = png_gray(w, h, pix)
        log.add(
            {
                "type": "media",
                "step": epoch,
                "name": "misclassified",
                "kind": "image",
                "path": rel,
                "title": f"Misclassified validation digits, epoch {epoch}",
                "description": f"{shown} of {n_wrong} misclassified validation images, row by row (true→predicted): " + ", ".join(labels) + ".",
            }
        )
    if run["media"] == "full" and epoch in (1, 10, 20):
        grng = random.Random(f"feature-maps/{name}/{epoch}")
        digit = render_digit(7, random.Random("feature-maps/input-digit"), messiness=0.1)
        frames = feature_map_frames(digit, epoch, grng)
        rel = f"media/{name}/conv1-maps-e{epoch:02d}.gif"
        files[f"{MNIST_PROJECT}/{rel}"] = gif_animated(78, 78, palette, frames, 60)
        log.add(
            {
                "type": "media",
                "step": epoch,
                "name": "conv1_feature_maps",
                "kind": "gif",
                "path": rel,
                "title": f"conv2d feature maps, epoch {epoch}",
                "description": "Eight of the 32 `conv2d` channels (after ReLU) for one validation image of a 7, one channel per frame.",
            }
        )


def log_val_acc(log: LogFile) -> float:
    rec = json.loads(log.lines[-1])
    return rec["metrics"]["val_accuracy"]


MNIST_README = """# MNIST CNN sweep (March 2026)

A small grid search for the Keras MNIST convnet: **learning rate × dropout**,
20 epochs each, Adam with an exponential learning-rate decay of 0.95 per epoch.

| learning rate | dropout 0.25 | dropout 0.5 |
|---------------|--------------|-------------|
| 0.0003        | seeds 1, 2 (2 killed) | seed 1 (still training) |
| 0.001         | seeds 1–3    | seeds 1–3   |
| 0.003         | seeds 1–3    | seeds 1–3   |
| 0.01          | seed 1       | seeds 1, 2 (2 crashed) |
| 0.1           | seed 1 (diverged) | –      |

Runs that share a configuration have the same `group` key and differ only in
`seed`. `lr0.003-do0.25-bs4096-seed1` tried a batch size of 4096 and ran out of
GPU memory.

Findings so far:

1. lr 0.001–0.003 reaches about 99 % validation accuracy within 10 epochs.
2. Dropout 0.5 overfits less at lr 0.003 and above; at lr 0.001 it makes no
   visible difference.
3. lr 0.1 diverges within five epochs.

The model is the one from the
[Keras example](https://keras.io/examples/vision/mnist_convnet/) with a
`BatchNormalization` layer after the second convolution (35 082 parameters).
"""


# --------------------------------------------------------------------------
# project 2: text-transformer (PyTorch-like, step-based)

TT_PROJECT = "text-transformer"
TT_VOCAB = 8192
TT_CONTEXT = 256


def tt_model(d: int, n_layers: int, n_heads: int) -> dict:
    block = (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d) + 4 * d
    layers = [
        {"name": "tok_emb", "type": "Embedding", "output_shape": f"[B, {TT_CONTEXT}, {d}]", "params": TT_VOCAB * d, "trainable": True},
        {"name": "pos_emb", "type": "Embedding", "output_shape": f"[{TT_CONTEXT}, {d}]", "params": TT_CONTEXT * d, "trainable": True},
        {"name": "drop", "type": "Dropout", "output_shape": f"[B, {TT_CONTEXT}, {d}]", "params": 0, "trainable": True},
    ]
    for i in range(n_layers):
        layers.append({"name": f"blocks.{i}", "type": "TransformerBlock", "output_shape": f"[B, {TT_CONTEXT}, {d}]", "params": block, "trainable": True})
    layers.append({"name": "ln_f", "type": "LayerNorm", "output_shape": f"[B, {TT_CONTEXT}, {d}]", "params": 2 * d, "trainable": True})
    layers.append({"name": "lm_head", "type": "Linear", "output_shape": f"[B, {TT_CONTEXT}, {TT_VOCAB}]", "params": TT_VOCAB * d, "trainable": True})
    total = sum(l["params"] for l in layers)
    return {
        "name": f"gpt-{'small' if d < 500 else 'medium'} ({n_layers} layers, d={d}, {n_heads} heads)",
        "layers": layers,
        "total_params": total,
        "trainable_params": total,
        "non_trainable_params": 0,
    }


def tt_env(host: str) -> dict:
    return {
        "host": host,
        "os": "Linux 5.15.0-105-generic",
        "language": "Python 3.10.14",
        "frameworks": {"torch": "2.3.1+cu121", "numpy": "1.26.4", "tokenizers": "0.19.1"},
        "backend": "cuda",
        "cpu": "Intel Xeon Platinum 8358",
        "cpu_count": 32,
        "gpus": ["NVIDIA A100-SXM4-80GB"],
        "cuda": "12.1",
        "git_commit": "a41d09e",
        "slurm_job_id": "4417702",
    }


def tt_lr(step: int, peak: float, warmup: int, max_steps: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / (max_steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


SAMPLE_TEXTS = {
    1000: "Once upon a time, there was a little dog named Sam. Sam liked to run in the park. One day, Sam saw a big ball. He ran to the ball and the ball was red. Sam was happy and the ball was happy. The end the end.",
    2000: "Once upon a time, there was a little girl named Lily. She loved to play outside with her red ball. One day, the ball rolled into the garden and Lily could not find it. Her mom helped her look, and they found it under a big tree.",
    3000: "Once upon a time, there was a curious cat named Tom. Tom wanted to know what was on top of the tall fence. He jumped and jumped, but he could not reach it. Then his friend the bird said, \"Let me show you!\" Tom smiled and they looked at the garden together.",
}


def tt_runs() -> list[dict]:
    return [
        {"file": "small-lr6e-4-seed1", "run": "small-lr6e-4-seed1", "size": "small", "lr": 6e-4, "seed": 1, "group": "small-lr6e-4", "samples": True},
        {"file": "small-lr6e-4-seed2", "run": "small-lr6e-4-seed2", "size": "small", "lr": 6e-4, "seed": 2, "group": "small-lr6e-4"},
        {"file": "small-lr3e-4-seed1", "run": "small-lr3e-4-seed1", "size": "small", "lr": 3e-4, "seed": 1, "group": "small-lr3e-4", "resume": 1500},
        {"file": "small-lr1e-3-seed1", "run": "small-lr1e-3-seed1", "size": "small", "lr": 1e-3, "seed": 1, "group": "small-lr1e-3", "spike": 1180, "malformed": 1500},
        {"file": "medium-lr3e-4-seed1", "run": "medium-lr3e-4-seed1", "size": "medium", "lr": 3e-4, "seed": 1, "group": "medium-lr3e-4"},
        {"file": "script-tag-name", "run": "<script>alert(1)</script>", "size": "small", "lr": 6e-4, "seed": 7, "group": None, "max_steps": 1000},
    ]


def gen_text_transformer(files: dict[str, bytes], specials: list[str]) -> None:
    base = utc_ts(2026, 3, 5, 20, 0, 0)
    for idx, run in enumerate(tt_runs()):
        rng = random.Random(f"text-transformer/{run['file']}")
        small = run["size"] == "small"
        d, n_layers, n_heads = (384, 6, 6) if small else (512, 8, 8)
        max_steps = run.get("max_steps", 3000)
        warmup = 200
        log_every = 10 if small else 20
        eval_every = 250
        lr = run["lr"]
        log = LogFile(f"{TT_PROJECT}/{run['file']}.jsonl")
        start = base + idx * 5400 + rng.randint(0, 300)
        notes = (
            f"### GPT-{run['size']} on TinyStories\n\n"
            f"Decoder-only transformer, {n_layers} layers, d_model {d}, context {TT_CONTEXT}, "
            f"BPE vocabulary of {TT_VOCAB} tokens. AdamW, {warmup} warm-up steps, cosine decay to 10 % of the peak.\n"
        )
        if run["run"].startswith("<script>"):
            notes += (
                "\nRun name typed by hand into the launcher. Notes may contain raw HTML too: "
                '<b>bold</b> <img src="x" onerror="alert(2)"> <a href="javascript:alert(3)">link</a>\n'
            )
        header = {
            "type": "header",
            "format_version": 1,
            "project": TT_PROJECT,
            "run": run["run"],
            "start": round(start, 1),
            "params": {
                "model": {"d_model": d, "n_layers": n_layers, "n_heads": n_heads, "context": TT_CONTEXT, "vocab_size": TT_VOCAB, "dropout": 0.1},
                "optim": {"name": "adamw", "lr": lr, "betas": [0.9, 0.95], "weight_decay": 0.1, "grad_clip": 1.0},
                "schedule": {"name": "cosine", "warmup_steps": warmup, "max_steps": max_steps, "min_lr_ratio": 0.1},
                "batch_size": 64,
                "dataset": "roneneldan/TinyStories",
                "precision": "bf16",
            },
            "model": tt_model(d, n_layers, n_heads),
            "env": tt_env(f"a100-node-{7 + idx % 2:02d}"),
            "tags": ["tinystories", run["size"]] + (["debug"] if run["group"] is None else []),
            "seed": run["seed"],
        }
        if run["group"]:
            header["group"] = run["group"]
        header["notes"] = notes
        header["primary_metric"] = "eval/loss"
        log.add(header)

        # loss curve: power law towards a floor that depends on model and lr
        floor = {6e-4: 2.95, 3e-4: 3.02, 1e-3: 2.98}[lr] - (0.27 if not small else 0.0)
        floor += rng.gauss(0, 0.01)
        s0 = 40 * (6e-4 / lr) ** 0.8
        tps = (48000 if small else 27500) * rng.uniform(0.97, 1.03)
        tokens_per_step = 64 * TT_CONTEXT
        steps_per_epoch = 1172

        def loss_at(step: int) -> float:
            v = floor + (9.02 - floor) * (1 + step / s0) ** -0.7
            if "spike" in run and step >= run["spike"]:
                v += 0.9 * math.exp(-(step - run["spike"]) / 40)
            return v

        def metrics_at(step: int, r: random.Random) -> dict:
            m = {
                "train/loss": sig(loss_at(step) + r.gauss(0, 0.04 * (1 + 0.5 * math.exp(-step / 500))), 5),
                "train/grad_norm": sig((0.35 + 6 * math.exp(-step / 120)) * math.exp(r.gauss(0, 0.15)), 4),
                "lr": sig(tt_lr(step, lr, warmup, max_steps), 4),
                "train/tokens_per_sec": round(tps * r.uniform(0.96, 1.03)),
            }
            if "spike" in run and run["spike"] <= step < run["spike"] + 40:
                m["train/grad_norm"] = sig(14.2 * math.exp(-(step - run["spike"]) / 10) + 0.5, 4)
            if step % eval_every == 0:
                ev = loss_at(step) + 0.045 + r.gauss(0, 0.01)
                m["eval/loss"] = sig(ev, 5)
                m["eval/perplexity"] = sig(math.exp(ev), 5)
            return m

        t = start + 25.0  # data loading + torch.compile
        steps = list(range(0, max_steps + 1, log_every))
        resume = run.get("resume")
        last_step = None
        for step in steps:
            if last_step is not None:
                t += (step - last_step) * tokens_per_step / tps
                if last_step % eval_every == 0:
                    t += 11.5 if small else 18.0
            last_step = step
            m = metrics_at(step, rng)
            rec = {"type": "metrics", "step": step, "epoch": round(step / steps_per_epoch, 4), "time": round(t, 1), "metrics": m}
            if run.get("malformed") == step:
                line = dumps(rec)
                assert line.endswith("}}")
                bad = line[:-2] + ",}}"  # trailing comma: not valid JSON
                lineno = log.raw(bad)
                specials.append(f"{log.relpath}: malformed JSON at line {lineno} (step {step}, trailing comma)")
            else:
                log.add(rec)
            if run.get("samples") and step in SAMPLE_TEXTS:
                log.add(
                    {
                        "type": "media",
                        "step": step,
                        "name": "samples",
                        "kind": "text",
                        "content": SAMPLE_TEXTS[step] + "\n",
                        "title": f"Greedy sample at step {step}",
                        "description": 'Prompt: "Once upon a time", temperature 0, 64 tokens.',
                    }
                )
            if run.get("samples") and step == 1500:
                log.add({"type": "note", "step": step, "text": "Halfway check: `eval/loss` is tracking the seed-2 run within ±0.01."})
            if "spike" in run and step == run["spike"] + 20:
                log.add(
                    {
                        "type": "note",
                        "step": step,
                        "text": f"Loss spike at step ~{run['spike']}: `train/grad_norm` peaked at 14, clipping at 1.0 kept the run alive. "
                        "Same spike seen in [issue #212](https://github.com/example/tinygpt/issues/212) with lr ≥ 1e-3.",
                    }
                )
            if resume and step == resume + 120:
                # node preempted; restart from the checkpoint at step `resume`
                t += 1380.0
                log.add(
                    {
                        "type": "note",
                        "step": resume,
                        "text": f"Node preempted at step {step}. Resumed from `ckpt-{resume}.pt`: steps {resume + log_every}–{step} are logged twice; the second values are the ones that count.",
                    }
                )
                rrng = random.Random(f"text-transformer/{run['file']}/resumed")
                for s2 in range(resume + log_every, step + log_every, log_every):
                    t += log_every * tokens_per_step / tps
                    log.add({"type": "metrics", "step": s2, "epoch": round(s2 / steps_per_epoch, 4), "time": round(t, 1), "metrics": metrics_at(s2, rrng)})
                specials.append(f"{log.relpath}: resumed from a checkpoint, steps {resume + log_every}-{step} logged twice (out of order)")
        if run.get("samples") is None and run["run"].startswith("<script>"):
            specials.append(f"{log.relpath}: header run name is <script>alert(1)</script>; notes contain raw HTML")
        final = loss_at(max_steps) + 0.045
        log.add(
            {
                "type": "end",
                "status": "finished",
                "time": rfc3339(t + 40),
                "metrics": {"eval/loss": sig(final, 5), "eval/perplexity": sig(math.exp(final), 5), "tokens_seen": max_steps * tokens_per_step},
                "error": None,
            }
        )
        files[log.relpath] = log.data()


# --------------------------------------------------------------------------
# project 3: detectron-style (bare lines, no header, no "type")

DET_PROJECT = "detectron-style"


def det_lr(it: int, base: float, warmup: int, steps: tuple[int, ...]) -> float:
    f = 1.0
    if it < warmup:
        a = it / warmup
        f = 0.001 * (1 - a) + a
    return base * f * 0.1 ** sum(1 for s in steps if it >= s)


def gen_detectron(files: dict[str, bytes], specials: list[str]) -> None:
    max_iter = 3000
    period = 20
    evals = {
        "faster_rcnn_R_50_FPN_1x": {1499: (11.84, 24.51, 10.37, 5.93, 13.22, 15.06), 2999: (17.29, 33.86, 16.18, 9.12, 19.77, 22.41)},
        "retinanet_R_50_FPN_1x": {1499: (9.71, 19.83, 8.92, 4.87, 11.35, 12.66), 2999: (15.02, 28.94, 14.33, 7.58, 17.41, 19.82)},
    }
    for model in ("faster_rcnn_R_50_FPN_1x", "retinanet_R_50_FPN_1x"):
        rng = random.Random(f"detectron-style/{model}")
        retina = model.startswith("retinanet")
        lines = []
        it_time = 0.31 if not retina else 0.27
        for it in range(period - 1, max_iter, period):
            p = it / max_iter
            n = lambda s: math.exp(rng.gauss(0, s))  # noqa: E731
            rec: dict[str, float | int] = {}
            tm = it_time * rng.uniform(0.95, 1.08)
            rec["data_time"] = sig(0.004 * n(0.4), 3)
            rec["eta_seconds"] = round((max_iter - it - 1) * it_time, 1)
            if retina:
                rec["loss_box_reg"] = sig((0.62 - 0.26 * p + 0.15 * math.exp(-it / 150)) * n(0.08), 4)
                rec["loss_cls"] = sig((0.42 + 0.75 * math.exp(-it / 120) - 0.12 * p) * n(0.08), 4)
                rec["iteration"] = it
                rec["lr"] = sig(det_lr(it, 0.01, 1000, (2000, 2600)), 4)
                rec["num_pos_anchors"] = sig(76.5 * n(0.1), 4)
            else:
                fg = 10 + 24 * (1 - math.exp(-it / 400))
                rec["fast_rcnn/cls_accuracy"] = sig(min(0.985, 0.885 + 0.04 * p) * n(0.004), 4)
                rec["fast_rcnn/false_negative"] = sig(max(0.0, 1 - 0.6 * (1 - math.exp(-it / 500))) * n(0.05), 4)
                rec["fast_rcnn/fg_cls_accuracy"] = sig(0.6 * (1 - math.exp(-it / 600)) * n(0.05), 4)
                rec["iteration"] = it
                rec["loss_box_reg"] = sig((0.08 + 0.22 * (1 - math.exp(-it / 500))) * n(0.07), 4)
                rec["loss_cls"] = sig((0.3 + 0.55 * math.exp(-it / 300) + 0.12 * (1 - p)) * n(0.07), 4)
                rec["loss_rpn_cls"] = sig((0.07 + 0.5 * math.exp(-it / 150)) * n(0.1), 4)
                rec["loss_rpn_loc"] = sig((0.09 + 0.08 * math.exp(-it / 300)) * n(0.1), 4)
                rec["lr"] = sig(det_lr(it, 0.02, 1000, (2000, 2600)), 4)
                rec["roi_head/num_bg_samples"] = sig(512 - fg * n(0.05), 5)
                rec["roi_head/num_fg_samples"] = sig(fg * n(0.05), 4)
                rec["rpn/num_neg_anchors"] = sig(235.5 * n(0.02), 4)
                rec["rpn/num_pos_anchors"] = sig(20.5 * n(0.08), 4)
            rec["time"] = sig(tm, 4)
            losses = [v for k, v in rec.items() if k.startswith("loss_")]
            rec["total_loss"] = sig(sum(losses), 4)
            if it in evals[model]:
                for key, v in zip(("AP", "AP50", "AP75", "APs", "APm", "APl"), evals[model][it]):
                    rec[f"bbox/{key}"] = v
            # detectron2's JSONWriter: json.dumps(..., sort_keys=True), one line per iteration
            lines.append(json.dumps(rec, sort_keys=True))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if retina:
            files[f"{DET_PROJECT}/{model}.jsonl.gz"] = gzip.compress(data, compresslevel=9, mtime=0)
            specials.append(f"{DET_PROJECT}/{model}.jsonl.gz: gzip-compressed bare detectron2-style lines")
        else:
            files[f"{DET_PROJECT}/{model}.jsonl"] = data


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    repo_root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", nargs="?", default=str(repo_root / "example-logs"), help="output folder (deleted and rewritten; default: %(default)s)")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    out = Path(args.output).resolve()

    # Refuse to delete anything that clearly is not an example-logs folder.
    if out == repo_root or out in repo_root.parents or out == Path.home() or (out / ".git").exists():
        print(f"refusing to delete {out}", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"{out} exists and is not a folder", file=sys.stderr)
        return 2

    files: dict[str, bytes] = {}
    specials: list[str] = []
    gen_mnist(files, specials)
    files[f"{MNIST_PROJECT}/README.md"] = MNIST_README.encode("utf-8")
    gen_text_transformer(files, specials)
    gen_detectron(files, specials)

    if out.exists():
        shutil.rmtree(out)
    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel])

    if not args.quiet:
        total = sum(len(b) for b in files.values())
        runs = sum(1 for r in files if r.endswith((".jsonl", ".jsonl.gz", ".ndjson")))
        print(f"wrote {len(files)} files ({runs} run logs, {total / 1024:.0f} KiB) to {out}")
        print("special files:")
        for s in specials:
            print(f"  {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
