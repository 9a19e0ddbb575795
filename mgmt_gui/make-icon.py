#!/usr/bin/env python3
"""Writes app.ico (16, 32 and 48 px, 32-bit): a white document with a red
seal (hanko), the tool's icon. Run once; the .ico is committed."""
import struct, sys

def pixel(n, x, y):
    # document: white with a grey border, top-right corner folded
    m = n / 16.0
    left, right, top, bottom = 2*m, 12*m, 1*m, 15*m
    fold = 3*m
    inside = left <= x < right and top <= y < bottom
    if inside and (x - (right - fold)) + (top + fold - y) > fold:
        inside = False
    if inside:
        edge = x < left + m*0.7 or x >= right - m*0.7 or y < top + m*0.7 or y >= bottom - m*0.7
        col = (150, 150, 160, 255) if edge else (255, 255, 255, 255)
        # text lines
        if not edge and 4*m <= x < 10*m and int((y - top) / m) in (4, 6, 8) and (y - top) % m < m*0.6:
            col = (120, 140, 190, 255)
    else:
        col = (0, 0, 0, 0)
    # the seal: red ring, lower right
    cx, cy, r = 11.5*m, 11.5*m, 4.2*m
    d = ((x + 0.5 - cx)**2 + (y + 0.5 - cy)**2) ** 0.5
    if d <= r:
        col = (200, 30, 40, 255) if d > r - 1.3*m or abs(x + 0.5 - cx) < 0.6*m or abs(y + 0.5 - cy) < 0.6*m else (255, 240, 240, 255)
    return col

def image(n):
    rows = []
    for y in range(n - 1, -1, -1):  # bottom-up
        row = b''
        for x in range(n):
            r, g, b, a = pixel(n, x, y)
            row += bytes((b, g, r, a))
        rows.append(row)
    xor = b''.join(rows)
    mask_row = ((n + 31) // 32) * 4
    andmask = b'\0' * (mask_row * n)
    hdr = struct.pack('<IiiHHIIiiII', 40, n, 2*n, 1, 32, 0, len(xor) + len(andmask), 0, 0, 0, 0)
    return hdr + xor + andmask

sizes = [16, 32, 48]
imgs = [image(n) for n in sizes]
out = struct.pack('<HHH', 0, 1, len(sizes))
off = 6 + 16*len(sizes)
for n, im in zip(sizes, imgs):
    out += struct.pack('<BBBBHHII', n, n, 0, 0, 1, 32, len(im), off)
    off += len(im)
out += b''.join(imgs)
open(sys.argv[1] if len(sys.argv) > 1 else 'app.ico', 'wb').write(out)
