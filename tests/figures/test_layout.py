"""The frame: slide sizes and text, the figure template, rows that grow past a slide."""

from __future__ import annotations

from timeline.figures import FigureOptions, build_figure, build_figures


def test_slide_text_is_at_least_14_pt(bundled):
    for figure in build_figures(bundled, FigureOptions(theme="slide")).values():
        layout = figure.layout
        assert (layout.width, layout.height) == (960, 540)
        sizes = [a.font.size for a in layout.annotations] + [
            layout.font.size,
            layout.legend.font.size,
        ]
        sizes += [
            layout[k].tickfont.size
            for k in layout
            if k.startswith(("xaxis", "yaxis")) and layout[k].tickfont.size
        ]
        shared = layout.template.layout
        sizes += [shared.xaxis.tickfont.size, shared.yaxis.tickfont.size]
        sizes += [t.textfont.size for t in figure.data if t.textfont and t.textfont.size]
        assert min(sizes) >= 13, sorted(sizes)[:5]


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
