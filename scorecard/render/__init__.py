"""Stage 6, render: the HTML scorecards (html/) and the governance deck (deck/).

Both read only the `Evaluation` and share format.py (numbers, dates and words per language, from
i18n.yaml), stats.py, files.py and xmltext.py, so a figure reads the same on a card and on a slide.
Import the writers from their packages (`scorecard.render.html.write_scorecards`,
`scorecard.render.deck.write_deck`).
"""
