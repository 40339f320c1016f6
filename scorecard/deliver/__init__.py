"""Cards that reach their readers: `--pdf` (pdf.py), `--roster` (roster.py: who reads which card),
`--outbox` and `--smtp` (letters.py: who gets which card, message.py: the e-mail, outbox.py, smtp.py),
run in order by delivery.py for the `scorecards` and `run` commands."""
