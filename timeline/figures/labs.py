"""Lab panels: values in the test's unit, reference band, MAS thresholds, gaps shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..derive.flags import fever_thresholds, sample_flags
from ..model import Case
from ..numbers import range_text, reference_origin, shown_value, unit_text
from .arrays import escape, strings
from .axis import TimeAxis
from .downsample import keep_for_display
from .options import DEFAULT_LABS, FigureOptions
from .theme import INK, LAB_LINE, OUT_OF_RANGE, Theme


@dataclass(frozen=True)
class Panel:
    """One lab panel's content: traces, its title, axis type, labelled lines, the band."""

    test: str
    title: str
    log: bool
    traces: list
    lines: list[tuple[float, str, str]]  # (value, label, dash)
    y_range: list[float] | None
    band: tuple[float, float] | None = None  # the reference range drawn, (low, high)
    # (values, labels) of the y ticks when the axis carries no numbers: a row of results
    # such as 'detected' is never read against a scale ([], []: no ticks). None: plotly's.
    ticks: tuple[list[float], list[str]] | None = None


def default_labs(case: Case) -> tuple[str, ...]:
    """The tests drawn when none are chosen: the default labs, then every test with a
    qualitative result ('CMV PCR: detected'), rare and meant to be seen."""
    words = case.labs.get("result_text", pd.Series("", index=case.labs.index)).ne("")
    return (*DEFAULT_LABS, *sorted(set(case.labs.loc[words, "test"]) - set(DEFAULT_LABS)))


def chosen_labs(case: Case, options: FigureOptions) -> list[str]:
    """Tests to draw, in catalogue panel order; only those the case has (by default,
    ``default_labs``)."""
    present = set(case.labs["test"].unique())
    wanted = default_labs(case) if options.labs is None else options.labs
    order = cat.labs()["panel_order"]
    tests = [t for t in dict.fromkeys(wanted) if t in present]
    return sorted(tests, key=lambda t: (order.get(t, 999), t))


def panel_title(test: str, unit: str) -> str:
    """'Platelets (×10⁹/L)': the test's label and its unit, typeset ('CMV PCR' without one)."""
    label = escape(cat.labs()["label"].get(test, test))
    if not unit or label.endswith(f" ({escape(unit)})"):  # a word result, or an unknown
        return label  # test split by unit, whose name already carries it
    return f"{label} ({escape(unit_text(unit))})"


_SYMBOL = {">": ">", "<=": "≤", ">=": "≥", "<": "<"}


def threshold_label(row) -> str:
    """'MAS 2016 ≤ 3.6': the threshold in the panel's (canonical) unit."""
    return f"{row.short} {_SYMBOL[row.operator]} {row.canonical:.3g}"


def _reference(low: np.ndarray, high: np.ndarray) -> tuple[float, float]:
    """The band drawn: the range most rows carry (a report's own range wins over
    the catalogue's); each point is still flagged against its own row's range."""
    # a missing limit counts as -inf: NaN never equals NaN, so it would never be counted
    low, high = (np.nan_to_num(v, nan=-np.inf).tolist() for v in (low, high))
    counts = Counter(zip(low, high, strict=True))
    band_low, band_high = min(counts, key=lambda pair: (-counts[pair], pair))  # ties: the lowest
    return (
        np.nan if band_low == -np.inf else band_low,
        np.nan if band_high == -np.inf else band_high,
    )


_COLUMNS = (
    "time",
    "test",
    "test_input",
    "qualifier",
    "value",
    "unit",
    "value_input",
    "value_text",
    "result_text",
    "lab_flag",
    "unit_input",
    "ref_low",
    "ref_high",
    "ref_source",
    "ref_low_input",
    "ref_high_input",
    "note",
)


def split_by_test(labs: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Each test's rows as arrays sorted by time, split once for all panels."""
    by_time = np.argsort(labs["time"].to_numpy(), kind="stable")
    order = by_time[np.argsort(labs["test"].to_numpy(dtype=object)[by_time], kind="stable")]
    arrays = {c: labs[c].to_numpy()[order] for c in _COLUMNS}
    tests = arrays["test"]
    starts = np.flatnonzero(np.r_[True, tests[1:] != tests[:-1]]).tolist() if len(tests) else []
    bounds = [*starts, len(tests)]
    return {tests[a]: {c: v[a:b] for c, v in arrays.items()} for a, b in pairwise(bounds)}


def _reference_text(rows: dict[str, np.ndarray], k: int) -> str:
    """Row k's range: 'reference 8–48 U/L (default, adult male)', '< 5 mg/L (report)'.

    A report's limits converted to the panel's unit keep the precision they were
    entered with (0.17–0.85 µkat/L reads 10–51 U/L, not 10.2–50.99).
    """
    limits = range_text(
        shown_value(float(rows["ref_low"][k]), float(rows["ref_low_input"][k])),
        shown_value(float(rows["ref_high"][k]), float(rows["ref_high_input"][k])),
    )
    if not limits:
        return ""
    unit = escape(unit_text(rows["unit"][k]))
    return f"reference {limits} {unit} ({escape(reference_origin(rows['ref_source'][k]))})"


def _shared_reference(rows: dict[str, np.ndarray]) -> str | None:
    """The reference text when every point has the same range (and origin), else None."""
    low, high, source = rows["ref_low"], rows["ref_high"], rows["ref_source"]
    # NaN never equals NaN: compare missing limits as None, or one-sided ranges never match
    limits = ([None if pd.isna(x) else x for x in v.tolist()] for v in (low, high))
    if len(set(zip(*limits, source.tolist(), strict=True))) == 1:
        return _reference_text(rows, 0)
    return None


def _converted(rows: dict[str, np.ndarray]) -> np.ndarray:
    """Which points were converted from the unit they were entered in."""
    return (rows["unit_input"] != rows["unit"]) | (rows["value"] != rows["value_input"])


def _values_shown(rows: dict[str, np.ndarray], known: bool, from_y: bool) -> list[str]:
    """Per point, what the hover shows of the value beyond the template's own text.

    ``from_y``: the template shows the value from y, and only a qualifier ('<')
    travels here. Otherwise the value travels as text, to the precision it was
    entered with (1.03 µkat/L is '61.8', not 61.7876).
    """
    qualifier = [f"{_SYMBOL[q]} " if q else "" for q in rows["qualifier"].tolist()]
    if from_y:
        return [escape(q) for q in qualifier]
    values = [
        q + shown_value(v, e, w)
        for q, v, e, w in zip(
            qualifier,
            rows["value"].tolist(),
            rows["value_input"].tolist(),
            rows["value_text"].tolist(),
            strict=True,
        )
    ]
    if known:
        return [escape(v) for v in values]
    return [
        escape(f"{name}: {v} {unit_text(u)}")
        for name, v, u in zip(
            rows["test_input"].tolist(), values, rows["unit"].tolist(), strict=True
        )
    ]


def _entered(rows: dict[str, np.ndarray]) -> list[str]:
    """Per point: the value as entered when it was converted, ' (entered 1.03 µkat/L)',
    and the laboratory's own flag when it gave one, ' lab flag H'."""
    qualifier = rows["qualifier"].tolist()
    entered = [""] * len(qualifier)
    for k in np.flatnonzero(_converted(rows)).tolist():
        text = f"{qualifier[k]}{rows['value_text'][k]} {unit_text(rows['unit_input'][k])}"
        entered[k] = f" (entered {escape(text)})"
    for k in np.flatnonzero(rows["lab_flag"] != "").tolist():
        entered[k] += f" · lab flag <b>{escape(rows['lab_flag'][k])}</b>"
    return entered


def _own_reference(rows: dict[str, np.ndarray], with_reference: bool) -> list[str]:
    """Per point: its own reference range when ``with_reference`` (the points do not
    share one), else ''."""
    if not with_reference:
        return [""] * len(rows["time"])
    return [
        f"<br>{ref}" if ref else ""
        for ref in (_reference_text(rows, k) for k in range(len(rows["time"])))
    ]


def _when_and_note(rows: dict[str, np.ndarray], axis: TimeAxis, hide_dates: bool) -> list[str]:
    """Per point: when it was taken, and the note entered with it."""
    return [
        f"{when}<br><i>{escape(note)}</i>" if note else when
        for when, note in zip(
            axis.whens(rows["time"], hide_dates), rows["note"].tolist(), strict=True
        )
    ]


_FLAG = "\x00flag"  # where a trace's flag goes in the shared template


def _hover(
    rows: dict[str, np.ndarray], axis: TimeAxis, hide_dates: bool, known: bool
) -> tuple[str, np.ndarray]:
    """A hover template with what is the same for every point, and per-point parts
    (one row of four per point: value, as entered, own reference, when and note).

    The template holds only catalogue text (label, unit, a shared reference
    range): user text goes in customdata, which plotly never interprets. It
    keeps a ``_FLAG`` mark where each trace puts its flag.
    """
    shared_ref = _shared_reference(rows) if known else None
    from_y = known and not _converted(rows).any()
    parts = zip(
        _values_shown(rows, known, from_y),
        _entered(rows),
        _own_reference(rows, with_reference=shared_ref is None),
        _when_and_note(rows, axis, hide_dates),
        strict=True,
    )
    custom = np.array([list(p) for p in parts], dtype=object).reshape(len(rows["time"]), 4)
    if known:
        label = cat.labs()["label"].get(rows["test"][0], "")
        value = "%{customdata[0]}%{y:.6~g}" if from_y else "%{customdata[0]}"
        head = f"<b>{escape(label)}</b> {value} {escape(unit_text(rows['unit'][0]))}"
    else:
        head = "%{customdata[0]}"
    ref_line = f"<br>{shared_ref}" if shared_ref else ""
    return (
        head
        + "%{customdata[1]}"
        + _FLAG
        + "%{customdata[2]}"
        + ref_line
        + "<br>%{customdata[3]}<extra></extra>",
        custom,
    )


def _compact_hover(template: str, custom: np.ndarray) -> dict:
    """Send only the per-point hover fields a trace uses: most points have no
    qualifier and no conversion, and on long series those empty fields add up."""
    used = [i for i in range(custom.shape[1]) if any(custom[:, i])]
    if len(used) == 1:  # one field: a plain list of strings
        (only,) = used
        for i in range(custom.shape[1]):
            template = template.replace(
                f"%{{customdata[{i}]}}", "%{customdata}" if i == only else ""
            )
        return {"customdata": strings(custom[:, only].tolist()), "hovertemplate": template}
    for new, old in enumerate(used):
        template = template.replace(f"%{{customdata[{old}]}}", f"%{{customdata[@{new}]}}")
    for i in range(custom.shape[1]):
        template = template.replace(f"%{{customdata[{i}]}}", "")
    return {
        "customdata": strings(custom[:, used].tolist()),
        "hovertemplate": template.replace("[@", "["),
    }


_POINTS = {  # each kind of point's trace name, and the flag its hover shows
    "": ("within reference range", ""),
    "high": ("outside reference range (high)", " <b>HIGH</b>"),
    "low": ("outside reference range (low)", " <b>LOW</b>"),
    "fever": ("fever", " <b>FEVER</b>"),
}


def _flag_text(flag: str, test: str) -> str:
    """What the hover says of a flag: ' <b>FEVER</b> (≥ 38.0 °C)', ' <b>HIGH</b>'."""
    shown = _POINTS[flag][1]
    if flag == "fever":  # temperature has no range: name the threshold it is judged by
        unit = escape(unit_text(str(cat.labs().at[test, "unit"])))
        shown += f" (≥ {fever_thresholds()[test]:.1f} {unit})"
    return shown


def _with_gaps(x: np.ndarray, y: np.ndarray, gap: float) -> tuple[list, list, list, list]:
    """Solid line broken at long gaps; the gaps themselves as separate dotted pieces."""
    solid_x: list = []
    solid_y: list = []
    dot_x: list = []
    dot_y: list = []
    for i in range(len(x)):
        if i and x[i] - x[i - 1] > gap:
            solid_x.append(None)
            solid_y.append(None)
            dot_x += [x[i - 1], x[i], None]
            dot_y += [y[i - 1], y[i], None]
        solid_x.append(x[i])
        solid_y.append(y[i])
    return solid_x, solid_y, dot_x, dot_y


def _as_x(days: list, x_days: np.ndarray, x_time: np.ndarray) -> list:
    """Map day positions (with None breaks) back to this axis's x values."""
    lookup = dict(zip(x_days.tolist(), x_time.tolist(), strict=True))
    return [None if d is None else lookup[d] for d in days]


def _near_window(rows: dict[str, np.ndarray], axis: TimeAxis) -> dict[str, np.ndarray]:
    """The rows in the window, and one sample either side so lines run to its edges."""
    time = rows["time"]
    inside = (time >= axis.start.to_datetime64()) & (time <= axis.end.to_datetime64())
    near = inside | np.r_[inside[1:], False] | np.r_[False, inside[:-1]]
    return {c: v[near] for c, v in rows.items()}


# A position on the Day axis needs no float64: float32 keeps a day number of a few
# hundred to within seconds, and halves the bytes every point costs in the figure's JSON.
_POSITION = np.float32


def _for_json(part: list, floats: bool, dtype: type = float) -> list | np.ndarray:
    """Float arrays with NaN breaks travel as compact binary, lists as text."""
    return np.array(part, dtype=dtype) if floats else part


def _line_traces(
    x_days: np.ndarray,
    x_time: np.ndarray,
    value: np.ndarray,
    title: str,
    axis: TimeAxis,
    gap_days: float,
    theme: Theme,
) -> list[dict]:
    """The values joined by a line, broken at long gaps; each gap bridged by a dotted
    piece (first, so under the line)."""
    sx, sy, dx, dy = _with_gaps(x_days, value, gap_days)
    solid_x, dot_x = (_for_json(_as_x(x, x_days, x_time), axis.days, _POSITION) for x in (sx, dx))
    solid_y, dot_y = (_for_json(y, axis.days) for y in (sy, dy))
    traces = []
    if len(dot_x):
        traces.append(
            dict(
                type="scatter",
                x=dot_x,
                y=dot_y,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                name=f"gap over {gap_days:g} days",
                line={"color": LAB_LINE, "width": theme.line * 0.7, "dash": "dot"},
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=solid_x,
            y=solid_y,
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
            line={"color": LAB_LINE, "width": theme.line},
            name=title,
            connectgaps=False,
        )
    )
    return traces


# A censored result (CLINICAL.md §3b) is drawn at its limit as a triangle pointing the
# way the truth lies: down for '<5' (below 5), up for '>40000' (above 40,000).
CENSORED_SYMBOLS = {"below": "triangle-down", "above": "triangle-up"}
_DIRECTION = {"": "", "<": "below", "<=": "below", ">": "above", ">=": "above"}
CENSORED_NAME = "censored ({}: the result lies {} the limit drawn)"


def _marker(flag: str, theme: Theme, direction: str = "") -> dict:
    """White within the reference range; larger and vermillion outside it or in fever.
    A censored result is a triangle pointing the way its truth lies, a little larger."""
    size = theme.marker + 1 if flag else theme.marker - 1
    if not flag:
        marker: dict = {"color": "white", "line": {"color": LAB_LINE, "width": 1.5}}
    else:
        marker = {"color": OUT_OF_RANGE, "line": {"color": "white", "width": 0.8}}
    if direction:
        return marker | {"symbol": CENSORED_SYMBOLS[direction], "size": size + 3}
    return marker | {"size": size}


def censored_marks(traces: list[dict]) -> tuple[str, ...]:
    """Which censored marks ('below', 'above') these traces draw: the legend explains them."""
    drawn = {t.get("meta", {}).get("censored", "") for t in traces if isinstance(t, dict)}
    return tuple(d for d in CENSORED_SYMBOLS if d in drawn)


def _point_traces(
    rows: dict[str, np.ndarray],
    flags: np.ndarray,
    x_time: np.ndarray,
    axis: TimeAxis,
    hide_dates: bool,
    theme: Theme,
    known: bool,
) -> list[dict]:
    """A marker per value, a trace per flag; the hover says high, low or fever."""
    template, custom = _hover(rows, axis, hide_dates, known)
    value = rows["value"].astype(float)
    directions = np.array([_DIRECTION[q] for q in rows["qualifier"].tolist()], dtype=object)
    traces = []
    for flag, (name, _) in _POINTS.items():
        for direction in ("", *CENSORED_SYMBOLS):
            mask = (flags == flag) & (directions == direction)
            if not mask.any():
                continue
            shown = _flag_text(flag, str(rows["test"][0]))
            traces.append(
                dict(
                    type="scatter",
                    x=x_time[mask].astype(_POSITION) if axis.days else x_time[mask],
                    y=value[mask],
                    mode="markers",
                    marker=_marker(flag, theme, direction),
                    name=f"{name}, censored {direction}" if direction else name,
                    showlegend=False,
                    **({"meta": {"censored": direction}} if direction else {}),
                    **_compact_hover(template.replace(_FLAG, shown), custom[mask]),
                )
            )
    return traces


# Qualitative results (CLINICAL.md §3b: kept as text, shown as marks, never as numbers):
# filled for a finding, open for its absence, a diamond for neither. CLINICAL.md does not
# say whether a finding is abnormal for every test, so none is drawn as out of range.
_RESULT_MARKS = {
    "positive": ("circle", INK),
    "detected": ("circle", INK),
    "reactive": ("circle", INK),
    "negative": ("circle-open", INK),
    "not detected": ("circle-open", INK),
    "non-reactive": ("circle-open", INK),
    "indeterminate": ("diamond-open", INK),
    "equivocal": ("diamond-open", INK),
}


def _result_traces(
    rows: dict[str, np.ndarray], y: float, axis: TimeAxis, hide_dates: bool, theme: Theme
) -> list[dict]:
    """Each qualitative result as a mark labelled with its word, at height ``y``; a trace
    per word. The hover names the test (as entered) and the result."""
    x_time = np.asarray(axis.x(rows["time"]), dtype=float if axis.days else object)
    labels = cat.labs()["label"]
    names = [labels.get(t, i) for t, i in zip(rows["test"], rows["test_input"], strict=True)]
    hover = [
        f"<b>{escape(name)}</b> {escape(word)}<br>{when}"
        for name, word, when in zip(
            names,
            rows["result_text"].tolist(),
            _when_and_note(rows, axis, hide_dates),
            strict=True,
        )
    ]
    traces = []
    for word in dict.fromkeys(rows["result_text"].tolist()):
        mask = rows["result_text"] == word
        symbol, colour = _RESULT_MARKS.get(word, ("square-open", INK))
        traces.append(
            dict(
                type="scatter",
                x=x_time[mask].astype(_POSITION) if axis.days else x_time[mask],
                y=np.full(int(mask.sum()), y),
                mode="markers+text",
                text=[escape(word)] * int(mask.sum()),
                textposition="top center",
                textfont={"size": theme.small - 1, "color": INK},
                marker={"symbol": symbol, "color": colour, "size": theme.marker + 1},
                name=word,
                showlegend=False,
                customdata=strings([h for h, m in zip(hover, mask.tolist(), strict=True) if m]),
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    return traces


def _result_panel(
    rows: dict[str, np.ndarray],
    test: str,
    title: str,
    axis: TimeAxis,
    options: FigureOptions,
    theme: Theme,
) -> Panel:
    """A row of labelled marks for a test whose results in the window are all words: no
    scale, no band, no line (a word joined to a word by a line would read as a trend)."""
    traces = _result_traces(rows, 0.0, axis, options.hide_dates, theme)
    return Panel(test, title, False, traces, [], [-1.0, 1.5], None, ([], []))


def _band(low: float, high: float, y_range: list[float], log: bool) -> tuple[float, float] | None:
    """The reference band drawn, (low, high): a one-sided range runs from its limit to
    the axis edge on its normal side ('< 477' from the bottom up to 477, '> 35' from 35
    up to the top), never across the limit onto the abnormal side."""
    if np.isnan(low) and np.isnan(high):
        return None
    bottom, top = (10**edge for edge in y_range) if log else y_range
    return (bottom if np.isnan(low) else low, top if np.isnan(high) else high)


def _threshold_lines(test: str) -> list[tuple[float, str, str]]:
    """(value, label, dash) of each catalogue threshold: MAS 2016 dashed, others dotted."""
    return [
        (row.canonical, threshold_label(row), "dash" if row.set == "mas2016" else "dot")
        for row in cat.thresholds_by_test().get(test, ())
    ]


def _y_range(values: list[float], log: bool) -> list[float]:
    """A range holding every value with a margin; on a linear axis from 0 when it can."""
    if log:
        positive = [v for v in values if v > 0]
        return [np.log10(min(positive)) - 0.15, np.log10(max(positive)) + 0.15]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.12 or abs(hi) * 0.1 or 1.0
    return [lo - pad if lo < 0 or lo - pad > 0 else 0, hi + pad]


def lab_panel(
    rows: dict[str, np.ndarray], test: str, options: FigureOptions, axis: TimeAxis, theme: Theme
) -> Panel:
    """One test's panel from its rows (see ``split_by_test``)."""
    rows = _near_window(rows, axis)
    words = rows["result_text"] != ""
    results = {c: v[words] for c, v in rows.items()}
    rows = {c: v[~words] for c, v in rows.items()}
    meta = cat.labs()
    unit = _panel_unit(rows, results, test)
    log = bool(meta.at[test, "log_axis"]) if test in meta.index else False
    title = panel_title(test, unit)
    if not len(rows["time"]):
        if len(results["time"]):
            return _result_panel(results, test, title, axis, options, theme)
        return Panel(test, title, log, [], [], None)
    value = rows["value"].astype(float)
    low_ref, high_ref = rows["ref_low"].astype(float), rows["ref_high"].astype(float)
    flags = sample_flags(rows["test"], value, low_ref, high_ref)
    x_days = (rows["time"] - axis.anchor.to_datetime64()) / np.timedelta64(1, "D")
    keep = keep_for_display(x_days, value, flags != "", options.max_points_per_lab)
    rows = {c: v[keep] for c, v in rows.items()}
    value, flags, x_days = value[keep], flags[keep], x_days[keep]
    x_time = np.asarray(axis.x(rows["time"]), dtype=float if axis.days else object)
    traces = _line_traces(x_days, x_time, value, title, axis, options.gap_days, theme)
    known = test in meta.index
    traces += _point_traces(rows, flags, x_time, axis, options.hide_dates, theme, known)
    # the band from every row in the window, thinned or not
    low, high = _reference(low_ref, high_ref)
    y_min, y_max = float(value.min()), float(value.max())
    lines = _threshold_lines(test)
    values = [y_min, y_max, *(v for v, _, _ in lines), *(v for v in (low, high) if not np.isnan(v))]
    y_range = _y_range(values, log)
    if len(results["time"]):  # words beside numbers: marks along the panel's foot
        foot = 10 ** (y_range[0] + 0.05) if log else y_range[0]
        traces += _result_traces(results, foot, axis, options.hide_dates, theme)
    return Panel(test, title, log, traces, lines, y_range, _band(low, high, y_range, log))


def _panel_unit(rows: dict[str, np.ndarray], results: dict[str, np.ndarray], test: str) -> str:
    """The unit the panel's numbers are in: its first number's, else the catalogue's
    (a test with only words has none unless the catalogue gives one)."""
    if len(rows["unit"]):
        return str(rows["unit"][0])
    meta = cat.labs()
    if test in meta.index:
        return str(meta.at[test, "unit"])
    return str(results["unit"][0]) if len(results["unit"]) else ""
