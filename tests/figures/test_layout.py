"""The frame: slide sizes and text, the figure template, rows that grow past a slide."""

from __future__ import annotations

from timeline.figures import FigureOptions, build_figure, build_figures

# Two texts on a slide are smaller than 14 pt, on purpose (README, "The figures"): the
# threshold names in the narrow right margin ("MAS 2016 > 684") and the class headers above
# the lane names ("GLUCOCORTICOIDS"), both 13 pt. Every other text is 14 pt or more.
SMALLER_ON_PURPOSE = 13


def _is_threshold_name(annotation) -> bool:
    return annotation.x == 1 and annotation.xanchor == "left" and "domain" not in annotation.yref


def test_slide_text_is_at_least_14_pt_but_threshold_names_and_class_headers(bundled):
    import re

    seen_named, seen_headers = False, False
    for figure in build_figures(bundled, FigureOptions(theme="slide")).values():
        layout = figure.layout
        # a slide's size, or taller where the rows need more (never squeezed: issue 15)
        assert layout.width == 960
        assert layout.height >= 540
        named = [a for a in layout.annotations if _is_threshold_name(a)]
        sizes = [a.font.size for a in layout.annotations if not _is_threshold_name(a)]
        sizes += [layout.font.size, layout.legend.font.size]
        sizes += [
            layout[k].tickfont.size
            for k in layout
            if k.startswith(("xaxis", "yaxis")) and layout[k].tickfont.size
        ]
        shared = layout.template.layout
        sizes += [shared.xaxis.tickfont.size, shared.yaxis.tickfont.size]
        sizes += [t.textfont.size for t in figure.data if t.textfont and t.textfont.size]
        assert min(sizes) >= 14, sorted(sizes)[:5]
        assert {a.font.size for a in named} <= {SMALLER_ON_PURPOSE}
        ticks = [t for k in layout if k.startswith("yaxis") for t in (layout[k].ticktext or ())]
        headers = {int(px) for t in ticks for px in re.findall(r"font-size:(\d+)px", t)}
        assert headers <= {SMALLER_ON_PURPOSE}
        seen_named, seen_headers = seen_named or bool(named), seen_headers or bool(headers)
    assert seen_named  # the exceptions were there to check
    assert seen_headers


def test_figure_carries_no_unresolved_template_name(bundled):
    # regression: a bare template name in an unvalidated figure reached plotly.js as a
    # string (ignored there) and broke plotly's own HTML export
    import plotly.io as pio

    fig = build_figure(bundled)
    assert not isinstance(fig.to_dict()["layout"].get("template"), str)
    assert "<div" in pio.to_html(fig, include_plotlyjs=False, full_html=False)


def test_a_slide_with_many_chosen_labs_grows_rather_than_drops_them(bundled):
    labs = ("ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "temperature")
    fig = build_figure(bundled, FigureOptions(theme="slide", labs=labs))
    titles = [a.text for a in fig.layout.annotations if a.yref.endswith("domain")]
    assert sum(t.startswith("<b>") and "(" in t for t in titles) == 8  # 7 labs + steroids
    assert fig.layout.width == 960
    assert fig.layout.height > 540
