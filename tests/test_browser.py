"""The real page in the system Chromium: it draws, shows no error, calls no other host."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks.browser import ROOT, open_and_wait, running_page

pytestmark = pytest.mark.browser
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="module")
def url():
    with running_page() as address:
        yield address


@pytest.mark.parametrize(
    ("name", "query", "width", "height"),
    [
        ("default-1920", "", 1920, 1080),
        ("default-1366", "", 1366, 768),
        ("presentation-1920", "?present=1", 1920, 1080),
    ],
)
def test_page_draws_without_errors_or_outside_requests(
    chromium_browser, url, name, query, width, height
):
    page, requests = open_and_wait(chromium_browser, url + "/" + query, width, height)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot").count() == 1
    assert "Refractory MAS in sJIA" in page.locator('[data-testid="stMain"]').inner_text()
    hosts = {
        urlparse(r).hostname
        for r in requests
        if urlparse(r).scheme in ("http", "https", "ws", "wss")
    }
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.close()


def test_hover_on_a_bar_shows_its_dose(chromium_browser, url):
    page, _ = open_and_wait(chromium_browser, url)
    bar = page.locator(".js-plotly-plot .bars .point").nth(3).bounding_box()
    # plotly's drag layer sits over the bars: hover by coordinates, not by element
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y)
    page.mouse.move(x + 2, y, steps=3)  # plotly hovers on movement within the plot
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    assert " mg " in page.locator(".hoverlayer .hovertext").first.text_content()
    page.close()


def test_exported_html_draws_offline(chromium_browser, bundled, tmp_path):
    from timeline.export import html_bytes
    from timeline.figures import build_figure

    path = tmp_path / "timeline.html"
    path.write_bytes(html_bytes(build_figure(bundled), "Timeline"))
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert page.locator(".bars .point").count() > 0  # the lanes drew
    assert "Ruxolitinib" in page.locator(".js-plotly-plot").inner_text()
    assert errors == []
    assert all(url.startswith("file:") for url in requests), requests
    page.close()


def test_exported_html_fills_the_window_and_follows_it(chromium_browser, bundled, tmp_path):
    from timeline.export import html_bytes
    from timeline.figures import FigureOptions, build_figure

    path = tmp_path / "timeline.html"
    path.write_bytes(html_bytes(build_figure(bundled, FigureOptions(theme="slide")), "Timeline"))
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)

    def svg_size() -> tuple[float, float]:
        box = page.locator(".js-plotly-plot .main-svg").first.bounding_box()
        return box["width"], box["height"]

    assert svg_size() == (1400, 1000)  # not the slide's 960 x 540 box in a corner
    page.set_viewport_size({"width": 900, "height": 700})
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot .main-svg').getBoundingClientRect().width == 900"
    )
    assert svg_size() == (900, 700)
    page.close()


def test_screenshots_dir_is_ignored_by_git():
    assert "/screenshots/" in Path(ROOT / ".gitignore").read_text()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_slide_theme_on_the_page(chromium_browser, url, width, height):
    page, _ = open_and_wait(chromium_browser, url, width, height)
    page.get_by_text("slide", exact=True).click()
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot')._fullLayout.width === 960", timeout=30_000
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"slide-{width}.png"))
    page.close()


def test_slides_download_from_the_page(chromium_browser, url, tmp_path):
    import io

    from pptx import Presentation

    page, _ = open_and_wait(chromium_browser, url)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Slides (.pptx)").click()
    path = tmp_path / "deck.pptx"
    download.value.save_as(path)
    deck = Presentation(io.BytesIO(path.read_bytes()))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[1] == "Timeline"
    assert titles[-1] == "Summary"
    page.close()


def _fits_one_screen(page) -> None:
    """Nothing to scroll, the chart inside the window, no control but the faint corner one."""
    height = page.evaluate("window.innerHeight")
    # a rerun may still be replacing the chart: give it time to settle before measuring
    page.wait_for_function(
        "document.scrollingElement.scrollHeight <= window.innerHeight", timeout=15_000
    )
    page.wait_for_timeout(500)
    assert page.evaluate("document.scrollingElement.scrollHeight") <= height
    chart = page.locator(".js-plotly-plot").bounding_box()
    assert chart is not None
    assert chart["y"] + chart["height"] <= height
    visible = [b.inner_text() for b in page.locator("button:visible").all()]
    assert [v.split("\n")[0] for v in visible] == ["Leave presentation mode (Esc)"]
    assert page.locator('[data-testid="stSidebar"]').is_visible() is False


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_presentation_mode_fits_one_screen(chromium_browser, url, width, height):
    query = f"?present=1&screen={width}x{height}"
    page, _ = open_and_wait(chromium_browser, url + "/" + query, width, height)
    page.wait_for_timeout(500)
    _fits_one_screen(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"presentation-{width}.png"))
    page.keyboard.press("Escape")  # leaves: the sidebar and its controls come back
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    page.close()


def test_a_story_steps_with_the_arrow_keys_in_presentation_mode(chromium_browser, url):
    page, _ = open_and_wait(chromium_browser, url + "/?present=1&screen=1366x768", 1366, 768)
    page.wait_for_timeout(500)
    page.keyboard.press("Escape")
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    page.get_by_text("Story mode").click()
    page.get_by_text("Step 1 of").wait_for(timeout=30_000)
    page.get_by_text("Presentation mode").click()
    header = page.locator(".st-key-present_header")
    header.get_by_text("Day 0 · Admission").wait_for(timeout=30_000)
    page.keyboard.press("ArrowRight")
    header.get_by_text("Day 3 · MAS onset").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    _fits_one_screen(page)
    page.screenshot(path=str(SHOTS / "presentation-story-1366.png"))
    page.keyboard.press("ArrowLeft")
    header.get_by_text("Day 0 · Admission").wait_for(timeout=30_000)
    page.close()
