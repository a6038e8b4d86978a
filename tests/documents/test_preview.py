"""The HTML preview shows the same content as the PDF and DOCX: each section's heading,
paragraphs and items, the table, the closing list, and links to both downloads."""

import pytest

from ..dom import parse
from .common import build_content, download_url, preview_url

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("plan_attr", "kind", "query"),
    [
        ("plan", "annex", {}),
        ("plan", "followup-report", {"checkpoint": "1"}),
        ("plan", "agenda", {}),
        ("plan", "agenda", {"checkpoint": "2"}),
        ("draft", "annex", {"lang": "sv"}),
    ],
)
def test_the_preview_shows_the_documents_content(demo, plan_attr, kind, query):
    plan = getattr(demo, plan_attr)
    response = demo.client("valmistelija").get(preview_url(plan, kind), query)
    assert response.status_code == 200
    article = parse(response.content).find_all(lambda e: e.tag == "article")[0]
    number = int(query["checkpoint"]) if "checkpoint" in query else None
    content = build_content(plan.latest_version(), kind, query.get("lang", "fi"), number)

    # The follow-up report's sections after its table: what the goals serve.
    after = content.get("after_table", [])
    assert bool(after) == (kind == "followup-report")
    headings = [squash(h.text()) for h in article.find_all(lambda e: e.tag == "h2")]
    assert headings == [s["heading"] for s in content["sections"] + after] + [content["closing"]["heading"]]
    items = [squash(li.text()) for li in article.find_all(lambda e: e.tag == "li")]
    expected_items = [squash(i) for s in content["sections"] for i in s.get("items", [])]
    expected_items += [squash(m) for row in content["table"]["rows"] for m in row["metrics"]]
    for section in after:  # an item's text, then its sub-items' (a <li> reads its own list too)
        for item in section["items"]:
            expected_items.append(squash(" ".join([item["text"], *item["items"]])))
            expected_items += [squash(i) for i in item["items"]]
    expected_items += [squash(i) for i in content["closing"]["items"]]
    assert items == expected_items
    paragraphs = [squash(p.text()) for p in article.find_all(lambda e: e.tag == "p")]
    for section in content["sections"] + after:
        for paragraph in section.get("paragraphs", []):
            assert squash(paragraph) in paragraphs
    rows = article.find_all(lambda e: e.tag == "tr")
    assert len(rows) == 1 + len(content["table"]["rows"])
    header_cells = rows[0].find_all(lambda e: e.tag == "th")
    assert [squash(th.text()) for th in header_cells] == content["table"]["headers"]

    html = response.content.decode()
    for fmt in ("pdf", "docx"):
        assert f'href="{download_url(plan, kind, fmt)}?' in html
