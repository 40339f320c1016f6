"""Integrity signals: months in which a vendor, team or agent looks better on a KPI in a way that
suggests the KPI is being gamed (speed bought with quality, very short calls, easy contacts picked,
transfers, fewer surveys, lenient QA). facts.py measures, rules.py judges, compute.py ties them to
an evaluation; the rules are documented in docs/integrity.md."""
