"""Stage 6, render: the HTML scorecards (html.py) and the governance deck (deck.py).

Both read only the `Evaluation` and share format.py (numbers, dates and words per language), so a
figure reads the same on a card and on a slide. Import the writers from their modules
(`scorecard.render.html.write_scorecards`); this package stays light to import.
"""
