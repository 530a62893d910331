#!/usr/bin/env python3
"""Decode image files with zxing-cpp (QR only) and print one JSON object per file:
{"file": PATH, "texts": [...]}. Used by tests/qr_render.rs when HOSPES_ZXING_PYTHON names a
Python with `zxing-cpp` and `pillow` installed (see scripts/bench_qr.py for the setup)."""
import json, sys
import zxingcpp
from PIL import Image

for path in sys.argv[1:]:
    with Image.open(path) as im:
        im.load()
        res = zxingcpp.read_barcodes(im, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain)
    print(json.dumps({"file": path, "texts": [r.text for r in res if r.valid]}))
