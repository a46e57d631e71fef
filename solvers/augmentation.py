"""Label mixing of sample-mixing augmentations (CutMix)."""

from __future__ import annotations

from solvers._checks import whole_number


def cutmix_weights(image_h: int, image_w: int, box_h: int, box_w: int) -> tuple[float, float]:
    """CutMix label weights: the pasted box's share of the area goes to the pasted image's label.

    Returns:
        (weight of the original image's label, weight of the pasted image's label)
        = (1 − box_h·box_w/(image_h·image_w), box_h·box_w/(image_h·image_w)).

    Raises:
        ValueError: a size < 1 or not an integer, or a box larger than the image.
    """
    image, box = cutmix_areas(image_h, image_w, box_h, box_w)
    pasted = box / image
    return 1.0 - pasted, pasted


def cutmix_areas(image_h: int, image_w: int, box_h: int, box_w: int) -> tuple[int, int]:
    """Pixel counts behind the CutMix label weights: (image area, pasted box area).

    The weights of :func:`cutmix_weights` are the ratio of these two areas, not of the side
    lengths: a 16×16 box in a 32×32 image covers 256 of 1,024 pixels, a quarter (not a half).

    Raises:
        ValueError: a size < 1 or not an integer, or a box larger than the image.
    """
    ih, iw = whole_number("image_h", image_h), whole_number("image_w", image_w)
    bh, bw = whole_number("box_h", box_h), whole_number("box_w", box_w)
    if bh > ih or bw > iw:
        raise ValueError(f"box {bh}×{bw} does not fit in image {ih}×{iw}")
    return ih * iw, bh * bw


def cutmix_side_ratio_weights(image_side: int, box_side: int) -> tuple[float, float]:
    """The label mix a learner gets who takes the side ratio for the area ratio.

    A square box of side b in a square image of side a covers (b/a)² of it; reading the mix off one
    side gives b/a instead (16 of 32 → 0.5, not 0.25), the slip a CutMix distractor shows.

    Returns:
        (1 − box_side/image_side, box_side/image_side).

    Raises:
        ValueError: a side < 1 or not an integer, or a box larger than the image.
    """
    a, b = whole_number("image_side", image_side), whole_number("box_side", box_side)
    if b > a:
        raise ValueError(f"box side {b} does not fit in image side {a}")
    return 1.0 - b / a, b / a
