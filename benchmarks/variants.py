# SPDX-License-Identifier: LGPL-2.1-or-later
"""Input variants of a case: degraded scans (JPEG, blur, noise, low resolution, slight rotation),
separate images per view, and shaded "photo-like" renders on a light background.

Everything is seeded: the same case id gives the same pixels.
"""

from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageFilter


def jpeg(img: Image.Image, quality: int = 20) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def blur(img: Image.Image, radius: float = 1.6) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def noise(img: Image.Image, rng: random.Random, sigma: float = 14.0,
          speckle: float = 0.002) -> Image.Image:
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    gen = np.random.default_rng(rng.getrandbits(32))
    arr = arr + gen.normal(0, sigma, arr.shape)
    mask = gen.random(arr.shape) < speckle
    arr[mask] = gen.choice([0.0, 255.0], size=int(mask.sum()))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def lowres(img: Image.Image, factor: float = 0.45) -> Image.Image:
    w, h = img.size
    return img.resize((int(w * factor), int(h * factor)), Image.BILINEAR)


def rotate(img: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 3.0)
    return img.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)


DEGRADATIONS = ("jpeg", "blur", "noise", "lowres", "rotate")


def degrade(img: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    if kind == "jpeg":
        return jpeg(img)
    if kind == "blur":
        return blur(img)
    if kind == "noise":
        return noise(img, rng)
    if kind == "lowres":
        return lowres(img)
    if kind == "rotate":
        return rotate(img, rng)
    raise ValueError(f"unknown degradation {kind}")


def crop_views(img: Image.Image, boxes: dict, pad: int = 40) -> dict:
    """Each view's pixel box (x0, y0, x1, y1) cut out with a white margin."""
    out = {}
    for role, (x0, y0, x1, y1) in boxes.items():
        crop = img.crop((int(x0) - pad, int(y0) - pad, int(x1) + pad, int(y1) + pad))
        out[role] = crop
    return out


# --------------------------------------------------------------------------- shaded renders

PHOTO_DIRECTIONS = {
    # towards the viewer, and the screen's up axis
    "iso": ((1.0, -1.0, 0.9), (0, 0, 1)),
    "front": ((0.0, -1.0, 0.0), (0, 0, 1)),
    "top": ((0.0, 0.0, 1.0), (0, 1, 0)),
    "right": ((1.0, 0.0, 0.0), (0, 0, 1)),
}


def shaded(shape, direction: str, rng: random.Random, size=(900, 700),
           tint=(150, 160, 172)) -> Image.Image:
    """A Lambert-shaded orthographic render of ``shape`` on a light, slightly uneven background,
    with sensor noise: the "clean photo" the photo path expects. Pure numpy z-buffer."""
    toward, up = PHOTO_DIRECTIONS[direction]
    w_axis = np.array(toward, float)
    w_axis /= np.linalg.norm(w_axis)
    v_axis = np.array(up, float) - w_axis * np.dot(up, w_axis)
    v_axis /= np.linalg.norm(v_axis)
    u_axis = np.cross(v_axis, w_axis)
    verts, tris = shape.tessellate(0.1)
    pts = np.array([[p.x, p.y, p.z] for p in verts])
    tris = np.array(tris, dtype=int)
    cam = np.stack([pts @ u_axis, pts @ v_axis, pts @ w_axis], axis=1)
    width, height = size
    span = max(np.ptp(cam[:, 0]), np.ptp(cam[:, 1]))
    scale = 0.75 * min(width, height) / span
    cx, cy = (cam[:, 0].min() + cam[:, 0].max()) / 2, (cam[:, 1].min() + cam[:, 1].max()) / 2
    sx = (cam[:, 0] - cx) * scale + width / 2
    sy = height / 2 - (cam[:, 1] - cy) * scale
    depth = cam[:, 2]
    zbuf = np.full((height, width), -np.inf)
    shade = np.zeros((height, width))
    light = np.array([0.4, 0.3, 0.85])
    light /= np.linalg.norm(light)
    for tri in tris:
        p0, p1, p2 = pts[tri]
        normal = np.cross(p1 - p0, p2 - p0)
        n = np.linalg.norm(normal)
        if n < 1e-12:
            continue
        normal /= n
        facing = normal @ w_axis
        if facing <= 0:
            continue
        x = sx[tri]
        y = sy[tri]
        x0, x1 = max(int(x.min()), 0), min(int(math.ceil(x.max())), width - 1)
        y0, y1 = max(int(y.min()), 0), min(int(math.ceil(y.max())), height - 1)
        if x1 < x0 or y1 < y0:
            continue
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1) + 0.5, np.arange(y0, y1 + 1) + 0.5)
        det = (y[1] - y[2]) * (x[0] - x[2]) + (x[2] - x[1]) * (y[0] - y[2])
        if abs(det) < 1e-12:
            continue
        a = ((y[1] - y[2]) * (gx - x[2]) + (x[2] - x[1]) * (gy - y[2])) / det
        b = ((y[2] - y[0]) * (gx - x[2]) + (x[0] - x[2]) * (gy - y[2])) / det
        c = 1 - a - b
        inside = (a >= -1e-6) & (b >= -1e-6) & (c >= -1e-6)
        if not inside.any():
            continue
        z = a * depth[tri[0]] + b * depth[tri[1]] + c * depth[tri[2]]
        region = zbuf[y0:y1 + 1, x0:x1 + 1]
        closer = inside & (z > region)
        region[closer] = z[closer]
        intensity = 0.25 + 0.75 * max(0.0, float(normal @ light)) * 0.8 + 0.2 * facing
        shade[y0:y1 + 1, x0:x1 + 1][closer] = min(intensity, 1.0)
    gen = np.random.default_rng(rng.getrandbits(32))
    yy, xx = np.mgrid[0:height, 0:width]
    background = 236 - 18 * (yy / height) + 6 * np.sin(xx / width * math.pi)
    img = np.repeat(background[:, :, None], 3, axis=2)
    hit = np.isfinite(zbuf)
    for ch in range(3):
        img[:, :, ch][hit] = tint[ch] * shade[hit] + 20
    img += gen.normal(0, 4.0, img.shape)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    return out.filter(ImageFilter.GaussianBlur(0.6))

