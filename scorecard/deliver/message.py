"""One e-mail per letter: the cards inline as HTML with their CSS inlined, a plain-text alternative,
and each card's PDF attached.

Mail clients drop what a browser page may rely on: Gmail and Outlook ignore most of a <style> block
and CSS variables, and every client strips scripts. So the card's CSS variables are resolved and its
rules copied onto each element's `style` attribute (css-inline, a maintained Rust inliner that keeps
inline SVG as it is); the script, the navigation and links to other cards' files (which are not in
the mail) are taken out. The markup cleaned here is the product's own autoescaped template output,
which is what makes the few patterns below safe to apply.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import css_inline
import lxml.html

from .letters import Letter

WORDS = {
    "en": {"subject": "{titles} · {period}", "hello": "Hello {name},",
           "intro": "Your scorecard for {period} is below.", "intro_many": "Your scorecards for {period} are below.",
           "copy": "{manager} receives a copy.", "pdf": "The attached PDF prints it on A4.",
           "pdf_many": "The attached PDFs print them on A4.", "sender": "Sent by scorecard for {contract}."},
    "fr": {"subject": "{titles} · {period}", "hello": "Bonjour {name},",
           "intro": "Voici votre fiche pour {period}.", "intro_many": "Voici vos fiches pour {period}.",
           "copy": "{manager} en reçoit une copie.", "pdf": "Le PDF joint l'imprime en A4.",
           "pdf_many": "Les PDF joints les impriment en A4.", "sender": "Envoyé par scorecard pour {contract}."},
}

_DROP = [re.compile(p, re.DOTALL) for p in (r"<script>.*?</script>\s*", r'<nav class="crumbs">.*?</nav>\s*',
                                            r'<a class="skip"[^>]*>.*?</a>\s*',
                                            r'<p class="[^"]*\bno-print\b[^"]*">.*?</p>\s*')]
_LOCAL_LINK = re.compile(r'<a href="(?![a-z]+:|#)[^"]*">(.*?)</a>', re.DOTALL)
_ROOT = re.compile(r":root\s*\{([^}]*)\}")
_VARIABLE = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
_ARTICLE = re.compile(r'<article class="card"[^>]*>.*?</article>', re.DOTALL)


def one_line(text: str) -> str:
    """Header text from data (entity ids, names): no line breaks or control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def inline_html(html: str) -> str:
    """A card page made fit for a mail client (see the module doc)."""
    for pattern in _DROP:
        html = pattern.sub("", html)
    html = _LOCAL_LINK.sub(r"\1", html)
    root = _ROOT.search(html)
    if root:
        for name, value in _VARIABLE.findall(root.group(1)):
            html = html.replace(f"var({name})", value.strip())
    return css_inline.inline(html, keep_style_tags=True)


def merged_html(pages: list[str]) -> str:
    """Several cards of one person in one body: the first page with the other cards' articles after
    its own (they share the run's CSS)."""
    first, others = pages[0], [m.group(0) for page in pages[1:] if (m := _ARTICLE.search(page))]
    if not others:
        return first
    end = first.index("</article>") + len("</article>")
    return first[:end] + "\n<hr>\n" + "\n<hr>\n".join(others) + first[end:]


def plain_text(html: str) -> str:
    """The card's heading and KPI table as text lines, for the text/plain alternative."""
    doc = lxml.html.fromstring(html)
    lines: list[str] = []
    for el in doc.iter("h1", "h2", "tr", "dt", "dd"):
        if el.tag == "dd":
            lines.append("  " + " ".join(el.text_content().split()))
        elif el.tag == "tr":
            cells = [" ".join(" ".join(c.itertext()).split()) for c in el if c.tag in ("th", "td")]  # SVG titles apart
            lines.append(" | ".join(c for c in cells if c))  # charts (trend, bars) have no text
        else:
            lines += [] if el.tag == "dt" else [""]
            lines.append(" ".join(el.text_content().split()))
    # a marked value's meaning is a hover title in the page: the text says it once, under the table
    notes = dict.fromkeys(f"{sup.text_content().strip()} {sup.get('title')}"
                          for sup in doc.iter("sup") if sup.get("title") and sup.text_content().strip())
    return "\n".join([*lines, *([""] if notes else []), *notes]).strip()


def _address(person_name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=one_line(person_name), username=local, domain=domain)


def compose(letter: Letter, sender: str, *, period: str, contract: str, lang: str) -> EmailMessage:
    """The e-mail of one letter (headers, text, HTML, PDFs); `period` is already in words."""
    words = WORDS[lang]
    many = len(letter.cards) > 1
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = _address(letter.to.name, letter.to.email)
    if letter.cc:
        msg["Cc"] = _address(letter.cc.name, letter.cc.email)
    headings: dict[str, list[str]] = {}
    for card in letter.cards:
        headings.setdefault(card.heading, []).append(card.title)
    titles = one_line("; ".join(f"{heading}: {', '.join(found)}" for heading, found in headings.items()))
    msg["Subject"] = words["subject"].format(titles=titles, period=period)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    for card in letter.cards:
        msg["X-Scorecard-Card"] = one_line(f"{card.role} {card.entity}")
    pages = [card.html.read_text(encoding="utf-8") for card in letter.cards]
    text = [words["hello"].format(name=letter.to.name or letter.to.id), "",
            words["intro_many" if many else "intro"].format(period=period)]
    if letter.cc:
        text.append(words["copy"].format(manager=letter.cc.name or letter.cc.id))
    if any(c.pdf for c in letter.cards):
        text.append(words["pdf_many" if many else "pdf"])
    body = "\n\n".join(plain_text(page) for page in pages)
    msg.set_content("\n".join(text) + "\n\n" + body + "\n\n-- \n" + words["sender"].format(contract=contract) + "\n")
    msg.add_alternative(merged_html([inline_html(page) for page in pages]), subtype="html")
    for card in letter.cards:
        if card.pdf:
            msg.add_attachment(card.pdf.read_bytes(), maintype="application", subtype="pdf",
                               filename=f"{card.role}-{card.pdf.name}")
    return msg
