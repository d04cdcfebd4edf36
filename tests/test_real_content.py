"""The real content in content/ builds, and the site says what the sources say: no more, no less."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT, main_text, read_page, text_of

SEED_LETTER = ROOT / "tests" / "reference" / "mopac-response-smart-policing-2013-12-04.txt"
LETTER_URL = "/responses/mopac-2013-12-04/"
# Public Sector Executive's printed summary (September 2013, p57), as the seeds give it.
PSE_WORDING = {
    1: "MOPAC must ensure the Directorate of Information has the skills and resources to implement the Met's ICT strategy",
    2: "The Met must provide more detail on plans to reduce the police ICT budget, identify risks with this and how it proposes to manage them, as well as explaining its intention to engage with other forces",
    3: "MOPAC should explain how its role on the board of the Police ICT Company is benefitting the Met",
    4: "The Mayor should explain what action has been taken to ensure collaboration across London's emergency services and what he intends to do by 2015",
    5: "The Met should update the committee with initial findings from mobile technology and predictive crime mapping pilots",
    6: "The Met should develop coherent policies and guidance for officers on social media use",
    7: "MOPAC should work with the Met to establish the necessary level of investmet [sic] into ICT and how it will be funded",
    8: "The Met's Technology Investment Board should provide the committee with progress updates on the implementation of the ICT strategy",
    9: "MOPAC should explain how it will update Londoners on the Met's plans to use new technology in the future",
}
ANSWERED = {1, 3, 7, 9}


def test_the_letter_is_shown_word_for_word(real_site: Path) -> None:
    page = read_page(real_site, LETTER_URL)
    shown = " ".join(text_of(block) for block in page.xpath("//*[contains(@class, 'letter__text')]"))
    assert shown.split() == SEED_LETTER.read_text(encoding="utf-8").split()


def test_every_paragraph_of_the_letter_has_a_numbered_anchor(real_site: Path) -> None:
    page = read_page(real_site, LETTER_URL)
    anchors = page.xpath("//ol[contains(@class, 'letter')]/li/@id")
    assert anchors == [f"p{number}" for number in range(1, 22)]


def test_each_recommendation_is_named_as_the_report_names_it(real_site: Path) -> None:
    for number, wording in PSE_WORDING.items():
        page = read_page(real_site, f"/recommendations/sp13-r{number}/")
        assert text_of(page.xpath("//h1")[0]) == f"Recommendation {number}"
        assert text_of(page.xpath("//blockquote[contains(@class, 'recommendation-text')]")[0]) == wording


def test_the_summary_wording_is_labelled_with_its_source(real_site: Path) -> None:
    text = main_text(real_site, "/recommendations/sp13-r4/")
    assert "this is a summary printed by another publication, not the report’s own wording" in text
    links = read_page(real_site, "/recommendations/sp13-r4/").xpath("//div[@class='provenance']//a/@href")
    assert links == ["http://content.yudu.com/A2hgsd/psesep2013/resources/57.htm"]


def test_unanswered_recommendations_say_no_response(real_site: Path) -> None:
    for number in range(1, 10):
        text = main_text(real_site, f"/recommendations/sp13-r{number}/")
        assert ("No response. No published response answers this recommendation." in text) is (number not in ANSWERED)


def test_answered_recommendations_quote_the_answering_paragraphs(real_site: Path) -> None:
    page = read_page(real_site, "/recommendations/sp13-r9/")
    quotes = page.xpath("//blockquote[contains(@class, 'letter-quote')]")
    assert [quote.xpath(".//a/@href")[-1] for quote in quotes] == [f"{LETTER_URL}#p18", f"{LETTER_URL}#p19"]
    assert "keep Londoners informed of progress" in text_of(quotes[1])


def test_home_page_gives_the_headline_figures(real_site: Path) -> None:
    items = [text_of(item) for item in read_page(real_site, "/").xpath("//ul[@class='headline']/li")]
    assert items == ["9 recommendations", "4 answered in a response", "5 with no response", "9 commitments made"]


def test_commitments_without_a_public_source_say_so(real_site: Path) -> None:
    for commitment_id in ("sp13-c06", "sp13-c07"):
        text = main_text(real_site, f"/commitments/{commitment_id}/")
        assert "Current status: No public update found" in text
        assert "No public update found. This site holds no dated public source" in text


def test_every_commitment_quote_links_to_its_paragraph(real_site: Path) -> None:
    letter = read_page(real_site, LETTER_URL)
    for number in range(1, 10):
        page = read_page(real_site, f"/commitments/sp13-c{number:02d}/")
        quote = text_of(page.xpath("//blockquote[contains(@class, 'commitment-quote')]")[0]).strip("“”")
        href = page.xpath("//main//a[starts-with(text(), 'paragraph ')]/@href")[0]
        paragraph = letter.get_element_by_id(href.split("#")[1])
        assert href.startswith(LETTER_URL)
        assert quote in text_of(paragraph)


def test_every_page_is_reachable_from_home(real_site: Path) -> None:
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        for href in read_page(real_site, url).xpath("//a/@href"):
            page = href.split("#", 1)[0]
            # Follow links to pages; feeds and data files (/feeds/all.xml, /data/tracker.json) are not HTML.
            if page.startswith("/") and not page.startswith("//") and page.endswith("/"):
                queue.append(page)
    pages = {"/" + str(path.relative_to(real_site)).removesuffix("index.html") for path in real_site.rglob("index.html")}
    assert pages - seen == set()
    assert (real_site / "404.html").is_file()
