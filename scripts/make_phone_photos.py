#!/usr/bin/env python3
"""Makes 12 MP test photos that look like a phone camera's JPEGs to a decoder.

    .venv-bench/bin/python scripts/make_phone_photos.py OUT_DIR

`make_big_photos.py` adds independent noise (sigma 6 on each channel) to an upscaled picture;
that makes files of the right size but of the wrong kind: every 8x8 block is white noise, which is
the worst case for a JPEG entropy decoder. A phone's JPEG is 4032 x 3024, 2.5-5 MB at quality
85-92, 4:2:0 chroma, photographic content (smooth areas and textured ones, sensor noise that the
camera has partly removed, a little sharpening), often with restart markers (DRI, Android
encoders) and an EXIF orientation (6 when the phone was held upright).

Here each photo is a corpus photo upscaled to 4032 x 3024 (the code in it becomes a third to a
half of the frame, or a code is pasted at 1/8 or 1/12 of the width), with texture at three
scales (blurred noise, the same on R, G and B, like fine detail), weak sensor noise with weaker
chroma noise, then encoded at 4:2:0. The texture's strength is set so that the file sizes span a
phone's range; the table printed at the end gives each file's size, quality and markers.
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).parent))
from bench_qr import testdata_dir  # noqa: E402

W, H = 4032, 3024
qr = testdata_dir()
rng = np.random.default_rng(7)


def blurred_noise(radius, amplitude):
    """Gaussian noise blurred to a grain of about `radius` px, as a float array."""
    noise = rng.normal(128, 40, (H, W)).clip(0, 255).astype(np.uint8)
    im = Image.fromarray(noise).filter(ImageFilter.GaussianBlur(radius)) if radius else Image.fromarray(noise)
    a = np.asarray(im).astype(np.float32) - 128.0
    return a * (amplitude / max(a.std(), 1e-3))


def phone(upright, detail, sensor):
    """`upright` (RGB, W x H) with fine detail (`detail`: texture strength) and sensor noise."""
    a = np.asarray(upright).astype(np.float32)
    texture = blurred_noise(0.7, detail) + blurred_noise(1.5, detail) + blurred_noise(3, detail * 0.7)
    a += texture[:, :, None]
    a += rng.normal(0, sensor, a.shape[:2]).astype(np.float32)[:, :, None]  # luma noise
    a += rng.normal(0, sensor / 3, a.shape).astype(np.float32)  # chroma noise, weaker
    im = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    return im.filter(ImageFilter.UnsharpMask(radius=1.2, percent=40, threshold=2))


def picture(name, code=None, code_frac=None):
    im = Image.open(qr / name).convert("RGB").resize((W, H), Image.BICUBIC)
    if code:
        c = Image.open(qr / code).convert("RGB")
        cw = int(W * code_frac)
        im.paste(c.resize((cw, cw * c.height // c.width), Image.BICUBIC), (W // 3, H // 2))
    return im


def save(im, path, quality, dri, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    if orientation == 6:  # stored so that a 90° clockwise turn makes it upright
        im = im.transpose(Image.Transpose.ROTATE_90)
    opts = dict(quality=quality, subsampling=2, exif=exif.tobytes())
    if dri:
        opts["restart_marker_rows"] = 1
    im.save(path, **opts)
    print(f"{path.name}\t{path.stat().st_size / 1e6:.2f} MB\tq{quality}\t4:2:0\t"
          f"{'DRI' if dri else 'no DRI'}\torientation {orientation}")


out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/phone")
out.mkdir(parents=True, exist_ok=True)
# (file, picture, quality, restart markers, EXIF orientation, texture, sensor noise)
photos = [
    ("phone_bike_q90_dri_o6.jpg", ("jsqr/bike-1.png",), 90, True, 6, 4.5, 1.5),
    ("phone_bike_q92_o1.jpg", ("jsqr/bike-1.png",), 92, False, 1, 4, 1.5),
    ("phone_flyer_q88_dri_o1.jpg", ("jsqr/cache-flyer.png",), 88, True, 1, 4, 1.5),
    ("phone_card_q85_o6.jpg", ("jsqr/business-card-3.png",), 85, False, 6, 4, 1.5),
    ("phone_small8_q90_dri_o1.jpg", ("jsqr/bus-stop-1.png", "zxing/qrcode-1/1.png", 1 / 8), 90, True, 1, 4.5, 1.5),
    ("phone_small12_q92_o6.jpg", ("jsqr/museum-1.png", "zxing/qrcode-1/1.png", 1 / 12), 92, False, 6, 4, 1.5),
    # the heavy end of a phone's range: ~5 MB
    ("phone_bike_q93_5mb_o1.jpg", ("jsqr/bike-1.png",), 93, False, 1, 5.5, 2.0),
    ("phone_flyer_q93_5mb_dri_o6.jpg", ("jsqr/cache-flyer.png",), 93, True, 6, 5.5, 2.0),
]
for name, pic, quality, dri, orientation, detail, sensor in photos:
    save(phone(picture(*pic), detail, sensor), out / name, quality, dri, orientation)
