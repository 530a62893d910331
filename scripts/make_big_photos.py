#!/usr/bin/env python3
"""Makes 12 MP and 48 MP test photos from corpus images (nothing is stored in the corpus).

    .venv-bench/bin/python scripts/make_big_photos.py OUT_DIR
    /usr/bin/time -v target/release/hospes qr decode --json OUT_DIR/*.jpg OUT_DIR/*.png

Each photo is a corpus photo upscaled with sensor-like noise (so the JPEG is as large as a
phone's: ~3 MB at 12 MP, ~12 MB at 48 MP):
  *_up.jpg     jsqr/bike-1 upscaled whole (the code is large)
  *_small.jpg  jsqr/bus-stop-1 upscaled, with zxing/qrcode-1/1 pasted at 1/8 of the width
  48mp_nocode.jpg  a crop without any code (the whole cascade runs)
  48mp_rgba.png    48mp_up as an RGBA PNG (the `image` crate path)
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from bench_qr import testdata_dir  # noqa: E402

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big")
out.mkdir(parents=True, exist_ok=True)
qr = testdata_dir()
rng = np.random.default_rng(1)


def noisy(im):
    a = np.asarray(im.convert("RGB")).astype(np.int16)
    a = a + rng.normal(0, 6, a.shape).astype(np.int16)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


for w, h, tag in [(8000, 6000, "48mp"), (4000, 3000, "12mp")]:
    up = Image.open(qr / "jsqr/bike-1.png").convert("RGB").resize((w, h), Image.BICUBIC)
    noisy(up).save(out / f"{tag}_up.jpg", quality=92)
    if tag == "48mp":
        up.convert("RGBA").save(out / "48mp_rgba.png", compress_level=9)
    bg = Image.open(qr / "jsqr/bus-stop-1.png").convert("RGB").resize((w, h), Image.BICUBIC)
    code = Image.open(qr / "zxing/qrcode-1/1.png").convert("RGB")
    cw = w // 8
    bg.paste(code.resize((cw, cw * code.height // code.width), Image.BICUBIC), (w // 3, h // 2))
    noisy(bg).save(out / f"{tag}_small.jpg", quality=92)
blank = Image.open(qr / "jsqr/bike-1.png").convert("RGB").crop((0, 0, 300, 200)).resize((8000, 6000), Image.BICUBIC)
noisy(blank).save(out / "48mp_nocode.jpg", quality=92)
for p in sorted(out.iterdir()):
    print(p, p.stat().st_size)
