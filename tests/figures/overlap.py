"""Measure a rendered figure's text in the system Chromium: every text box, the legend box,
and whether any text is cut by the image's edge or by the panel it is clipped to.

The figure is rendered to SVG by the project's renderer (kaleido), and the SVG is loaded
in Chromium by playwright, which measures the text as laid out with the real fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

TOLERANCE_PX = 1.0

# For every <text> with something written in it: its box, its kind (the class of the
# plotly group it belongs to), and the box of the clip path it is drawn under (if any).
_MEASURE = """
(root) => {
  const svg = root.querySelector('svg');
  const origin = svg.getBoundingClientRect();
  const box = (r) => [r.left - origin.left, r.top - origin.top,
                      r.right - origin.left, r.bottom - origin.top];
  const kindOf = (el) => {
    for (let g = el.parentElement; g && g !== svg; g = g.parentElement) {
      const c = g.getAttribute('class') || '';
      for (const k of ['legend', 'annotation', 'xtick', 'ytick', 'g-xtitle', 'g-ytitle',
                       'bartext', 'textpoint', 'trace', 'infolayer']) {
        if (c.split(' ').includes(k)) return k;
      }
    }
    return el.getAttribute('class') || 'text';
  };
  const clipOf = (el) => {
    for (let g = el; g && g !== svg; g = g.parentElement) {
      const ref = g.getAttribute && g.getAttribute('clip-path');
      if (!ref) continue;
      const id = ref.match(/#([^)"']+)/);
      const path = id && root.querySelector('#' + CSS.escape(id[1]));
      const rect = path && path.querySelector('rect');
      if (!rect) continue;
      const m = g.getScreenCTM();
      const x = +rect.getAttribute('x') || 0, y = +rect.getAttribute('y') || 0;
      const w = +rect.getAttribute('width'), h = +rect.getAttribute('height');
      const a = new DOMPoint(x, y).matrixTransform(m);
      const b = new DOMPoint(x + w, y + h).matrixTransform(m);
      return [Math.min(a.x, b.x) - origin.left, Math.min(a.y, b.y) - origin.top,
              Math.max(a.x, b.x) - origin.left, Math.max(a.y, b.y) - origin.top];
    }
    return null;
  };
  const out = [];
  for (const el of svg.querySelectorAll('text')) {
    const text = el.textContent.trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || +style.opacity === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    out.push({text, kind: kindOf(el), box: box(r), clip: clipOf(el),
              legend: !!el.closest('.legend')});
  }
  const bg = svg.querySelector('.legend rect.bg');
  const lr = bg ? bg.getBoundingClientRect() : null;
  const size = [svg.width.baseVal.value, svg.height.baseVal.value];
  return {texts: out, legend: lr && lr.width ? box(lr) : null, size};
}
"""


@dataclass(frozen=True)
class Text:
    """One text as drawn: what it says, its kind, its box (left, top, right, bottom)."""

    text: str
    kind: str
    box: tuple[float, float, float, float]
    clip: tuple[float, float, float, float] | None
    legend: bool

    def __str__(self) -> str:
        box = ", ".join(f"{v:.0f}" for v in self.box)
        return f"{self.kind} {self.text[:40]!r} [{box}]"


@dataclass(frozen=True)
class Measured:
    texts: list[Text]
    legend: tuple[float, float, float, float] | None
    size: tuple[float, float]


def measure_many(page, svgs: list[bytes]) -> list[Measured]:
    """The texts and legend box of each SVG, all laid out in one load of ``page`` (a
    playwright page), each in a box of its own so that none shares another's ids."""
    boxes = "".join(
        f"<div class='figure' style='margin:0 0 8px 0'>{svg.decode('utf-8')}</div>" for svg in svgs
    )
    page.set_content(f"<html><body style='margin:0'>{boxes}</body></html>", wait_until="load")
    found = page.eval_on_selector_all("div.figure", f"(roots) => roots.map({_MEASURE})")
    return [_measured(one) for one in found]


def measure(page, svg: bytes) -> Measured:
    """The texts and legend box of one SVG, laid out in ``page`` (a playwright page)."""
    return measure_many(page, [svg])[0]


def _measured(found: dict) -> Measured:
    texts = [
        Text(t["text"], t["kind"], tuple(t["box"]), t["clip"] and tuple(t["clip"]), t["legend"])
        for t in found["texts"]
    ]
    legend = tuple(found["legend"]) if found["legend"] else None
    return Measured(texts, legend, tuple(found["size"]))


def _overlap(a, b) -> tuple[float, float]:
    """How far two boxes overlap across and down (negative: apart)."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def overlapping(m: Measured, tolerance: float = TOLERANCE_PX) -> list[str]:
    """Every pair of texts that overlap by more than ``tolerance`` px both ways, and every
    text outside the legend that runs into the legend's box."""
    found = []
    for a, b in combinations(m.texts, 2):
        across, down = _overlap(a.box, b.box)
        if across > tolerance and down > tolerance:
            found.append(f"{a}  overlaps  {b}")
    if m.legend is not None:
        for t in m.texts:
            across, down = _overlap(t.box, m.legend)
            if not t.legend and across > tolerance and down > tolerance:
                found.append(f"{t}  overlaps the legend")
    return found


def _outside(box, frame, tolerance: float) -> bool:
    """Whether ``box`` runs out of ``frame`` (left, top, right, bottom) by more than ``tolerance``."""
    return (
        box[0] < frame[0] - tolerance
        or box[1] < frame[1] - tolerance
        or box[2] > frame[2] + tolerance
        or box[3] > frame[3] + tolerance
    )


def cut(m: Measured, tolerance: float = TOLERANCE_PX) -> list[str]:
    """Every text cut by the image's edge or by the clip path it is drawn under."""
    image = (0.0, 0.0, *m.size)
    found = []
    for t in m.texts:
        if _outside(t.box, image, tolerance):
            found.append(f"{t} cut at the image's edge")
        elif t.clip is not None and _outside(t.box, t.clip, tolerance):
            found.append(f"{t} cut by its panel")
    return found
