"""The story page in a real headless browser (Debian chromium driven by playwright): right-to-left layout, a
citation that shows its source passage, hostile article text shown as text, phone width. Screenshots are saved
under tests/artifacts/ (gitignored) to be looked at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marsad.analyze import analyze
from marsad.render.html import render_html, render_story_html

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HIGHLIGHT = "rgb(253, 230, 138)"  # --hl in the page's style: a :target passage

WIRE = ("انهار جزء من جسم سد تل الريحان على نهر الصفصاف في محافظة وادي الغيم فجر الثلاثاء، ما أدى إلى اندفاع كميات "
        "هائلة من المياه <script>alert('x')</script> نحو القرى الواقعة أسفل مجرى النهر. وقال الدفاع المدني إن تسعة "
        "أشخاص على الأقل لقوا حتفهم <img src=x onerror=alert(1)> وأصيب خمسة وثلاثون آخرون، فيما لا يزال أكثر من "
        "عشرين شخصاً في عداد المفقودين. وأعلنت السلطات المحلية إجلاء نحو ألفي أسرة من بلدتي كفر الطواحين ورأس الغيم "
        "إلى مراكز إيواء مؤقتة في مدينة عين السنديان.")


@pytest.fixture(scope="module")
def hostile_dossier(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two outlets carrying one wire passage that holds a script and an image with an onerror handler."""
    folder = tmp_path_factory.mktemp("hostile")
    for name, outlet, day, lead in (("a", "وكالة <b>الأنباء</b>", "2025-10-14", "عين السنديان - "),
                                    ("b", "<script>x</script> نيوز", "2025-10-15", "")):
        (folder / f"{name}.txt").write_text(f"سد تل الريحان <script>alert('t')</script>\n{lead}{WIRE}\n", "utf-8")
        (folder / f"{name}.meta.json").write_text(
            f'{{"outlet": "{outlet}", "published": "{day}", "language": "ar"}}', "utf-8")
    return analyze([folder]).to_dict()


def open_page(chromium: Any, html: str, tmp_path: Path, width: int = 1100) -> Any:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    page = chromium.new_page(viewport={"width": width, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.dialogs = dialogs
    return page


def click_first_citation(page: Any, selector: str) -> dict[str, Any]:
    link = page.locator(selector).first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_function("h => location.hash === h", arg=href)
    return page.evaluate("""h => {
        const el = document.getElementById(h.slice(1));
        const box = el.getBoundingClientRect();
        return {matches: el.matches(':target'), background: getComputedStyle(el).backgroundColor,
                visible: box.bottom > 0 && box.top < window.innerHeight, text: el.textContent,
                inArticle: !!el.closest('section.article')};
    }""", href)


def test_story_page_in_chromium(chromium: Any, examples_dossier: dict, tmp_path: Path) -> None:
    story = next(s for s in examples_dossier["stories"] if any(m["article"] == "01" for m in s["members"]))
    page = open_page(chromium, render_story_html(examples_dossier, story["id"]), tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story.png"))
    layout = page.evaluate("""() => ({dir: document.documentElement.dir,
        direction: getComputedStyle(document.body).direction,
        align: getComputedStyle(document.querySelector('ol.summary li')).textAlign,
        summaryRight: document.querySelector('ol.summary li').getBoundingClientRect().right,
        width: document.documentElement.clientWidth, scripts: document.scripts.length,
        svg: document.querySelectorAll('svg.reuse-graph path').length})""")
    assert layout["dir"] == "rtl" and layout["direction"] == "rtl"
    assert layout["summaryRight"] > layout["width"] / 2  # lines start on the right
    assert layout["scripts"] == 0 and layout["svg"] > 0

    shown = click_first_citation(page, "ol.summary a.cite")
    assert shown["matches"] and shown["visible"] and shown["inArticle"]
    assert shown["background"] == HIGHLIGHT
    first = story["summary"][0]["citations"][0]
    text = next(a["text"] for a in examples_dossier["articles"] if a["id"] == first["article"])
    assert shown["text"] == text[first["start"]:first["end"]]
    page.screenshot(path=str(ARTIFACTS / "story-citation.png"))

    # a fact's citation leads to its passage as well
    assert click_first_citation(page, ".fact a.cite")["matches"]
    page.close()

    phone = open_page(chromium, render_story_html(examples_dossier, story["id"]), tmp_path, width=390)
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "the page fits a phone's width"
    phone.screenshot(path=str(ARTIFACTS / "story-phone.png"), full_page=False)
    phone.emulate_media(media="print")
    assert phone.evaluate("() => getComputedStyle(document.querySelector('header.top')).backgroundColor") in (
        "rgba(0, 0, 0, 0)", "transparent")
    phone.close()


def test_hostile_article_shows_markup_as_text(chromium: Any, hostile_dossier: dict, tmp_path: Path) -> None:
    story = next(s for s in hostile_dossier["stories"] if len(s["members"]) == 2)
    assert story["summary"], "the copied passage is summarised and cited"
    for html in (render_story_html(hostile_dossier, story["id"]), render_html(hostile_dossier)):
        page = open_page(chromium, html, tmp_path)
        found = page.evaluate("""() => ({scripts: document.scripts.length,
            images: document.querySelectorAll('img').length, text: document.body.innerText})""")
        assert found["scripts"] == 0 and found["images"] == 0
        assert "<script>alert('x')</script>" in found["text"]
        assert "<img src=x onerror=alert(1)>" in found["text"]
        assert "<b>الأنباء</b>" in found["text"]
        shown = click_first_citation(page, "a.cite")
        assert shown["matches"] and shown["background"] == HIGHLIGHT
        assert page.dialogs == []
        page.close()
