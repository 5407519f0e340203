"""Draw the two Teams app icons: color.png (192×192) and outline.png (32×32).

Teams wants a full-colour icon whose symbol sits inside the middle 96–120 px (the edges get
cropped to a rounded square in some places) and a 32×32 outline icon that is white on a
transparent background, with no padding. Both show a cooking pot with steam: a Digikok is a
"kok", ideas cooked up together.

The PNGs are committed; this script is only needed to change them. It needs Pillow, which is
not an app dependency, so run it from a throw-away virtualenv:

    python -m venv /tmp/icons && /tmp/icons/bin/pip install Pillow
    /tmp/icons/bin/python deploy/teams/make_icons.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BACKGROUND = (31, 95, 139)  # #1F5F8B, also the manifest's accentColor
POT = (255, 255, 255)
STEAM = (242, 177, 52)  # #F2B134
Ink = int | tuple[int, int, int]  # 255 on a mask, an RGB colour on a picture
WORK = 1024  # the motif is drawn on a WORK×WORK canvas and scaled down (anti-aliasing)


def _steam_points(
    x: float, top: float, bottom: float, amplitude: float
) -> list[tuple[float, float]]:
    """Points along one wavy steam line, from bottom to top."""
    steps = 400
    return [
        (
            x + amplitude * math.sin(2 * math.pi * 1.25 * i / steps),
            bottom - (bottom - top) * i / steps,
        )
        for i in range(steps + 1)
    ]


def draw_motif(draw: ImageDraw.ImageDraw, pot_fill: Ink, steam_fill: Ink) -> None:
    """The pot and its steam on a WORK×WORK canvas."""
    # Body: a bowl with a flat top and a round bottom.
    draw.rounded_rectangle((208, 470, 816, 880), radius=170, fill=pot_fill)
    draw.rectangle((208, 470, 816, 640), fill=pot_fill)
    # Rim, wider than the body.
    draw.rounded_rectangle((150, 400, 874, 492), radius=46, fill=pot_fill)
    # Handles.
    draw.rounded_rectangle((40, 540, 230, 640), radius=50, fill=pot_fill)
    draw.rounded_rectangle((794, 540, 984, 640), radius=50, fill=pot_fill)
    # Three steam lines, thick enough to survive the scale-down to 32 px. Each is stamped as
    # overlapping discs along the curve: a thick polyline shows seams at its joints.
    r = 37
    for x in (340, 512, 684):
        for cx, cy in _steam_points(x, top=70, bottom=330, amplitude=34):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=steam_fill)


def make_outline(size: int = 32) -> Image.Image:
    """White on transparent: the alpha channel carries the shape, every pixel's RGB is white."""
    mask = Image.new("L", (WORK, WORK), 0)
    draw_motif(ImageDraw.Draw(mask), 255, 255)
    alpha = mask.resize((size, size), Image.Resampling.LANCZOS)
    icon = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    icon.putalpha(alpha)
    return icon


def make_color(size: int = 192, symbol: int = 120) -> Image.Image:
    """The motif in colour, `symbol` px wide, centred on a solid background."""
    scale = WORK / symbol
    canvas = round(size * scale)
    image = Image.new("RGB", (canvas, canvas), BACKGROUND)
    motif = Image.new("RGB", (WORK, WORK), BACKGROUND)
    draw_motif(ImageDraw.Draw(motif), POT, STEAM)
    offset = (canvas - WORK) // 2
    image.paste(motif, (offset, offset))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    make_color().save(HERE / "color.png", format="PNG")
    make_outline().save(HERE / "outline.png", format="PNG")


if __name__ == "__main__":
    main()
