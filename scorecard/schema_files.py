"""The published, versioned JSON Schemas: schemas/contract.v1.json and schemas/results.v1.json.

Editors, CI jobs and tools downstream pin a schema by its `$id`, so the id is stable and carries the
version; a change that breaks readers is a v2 beside v1, never an edit of v1. The files are generated
from the code (the catalog for contracts, results.py's columns for results.json) and committed; a
test checks they are what the code generates (`python -m scorecard.schema_files` rewrites them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .contract.schema import contract_schema
from .results import CALIBRATION_COLUMNS, CREDIT_COLUMNS, QUALITY_COLUMNS, RESULT_COLUMNS, SECTIONS_IN_JSON

VERSION = 1
CONTRACT_ID = f"urn:scorecard:schema:contract:v{VERSION}"
RESULTS_ID = f"urn:scorecard:schema:results:v{VERSION}"
DRAFT = "http://json-schema.org/draft-07/schema#"


def contract_v1() -> dict[str, Any]:
    """The contract schema with its stable id."""
    return {**contract_schema(), "$id": CONTRACT_ID}


def _rows(description: str, columns: list[str]) -> dict[str, Any]:
    """An array of row objects that carry at least the interface columns (more may follow)."""
    return {"type": "array", "description": description,
            "items": {"type": "object", "required": columns, "properties": {c: {} for c in columns}}}


def _any_rows(description: str) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": {"type": "object"}}


def results_v1() -> dict[str, Any]:
    """results.json (docs/spec/OUTPUTS.md): provenance, then per period the overall score, KPI rows,
    credits, calibration and the role tables, then the data-quality report."""
    text = {"type": "string"}
    period = {
        "type": "object", "required": ["period", "overall", "kpis", "credits", "calibration"],
        "properties": {
            "period": {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"},
            "overall": _rows("The overall weighted score (0-100 or null) and the bonus.", ["score"]),
            "kpis": _rows("One row per KPI x grain x entity; values in base units (rates 0-1, seconds).",
                          [c for c in RESULT_COLUMNS if c != "period"]),
            "credits": _rows("Service credits per month and KPI; money as numbers with exact cents.",
                             CREDIT_COLUMNS),
            "calibration": _rows("QA calibration per evaluator.", CALIBRATION_COLUMNS),
            **{name: _any_rows(f"The {name.replace('_', ' ')} table of the period.") for name in SECTIONS_IN_JSON},
        },
    }
    return {
        "$schema": DRAFT, "$id": RESULTS_ID, "title": "scorecard results.json", "type": "object",
        "required": ["generator", "contract", "inputs", "periods", "data_quality"],
        "properties": {
            "generator": text,
            "contract": {"type": "object", "required": ["id", "currency", "timezone", "version_hash"],
                         "properties": {k: {"type": ["string", "null"]} for k in
                                        ("id", "client", "vendor", "currency", "timezone", "path", "version_hash")}},
            "inputs": {"type": "array", "items": {"type": "object", "required": ["file", "sha256"],
                                                  "properties": {"file": text, "sha256": text}}},
            "periods": {"type": "array", "items": period},
            "data_quality": {"type": "object", "required": ["problems", "quarantined_rows", "rows"],
                             "properties": {"problems": {"type": "integer"},
                                            "quarantined_rows": {"type": "integer"},
                                            "rows": _rows("Every data problem with its row.", QUALITY_COLUMNS)}},
        },
    }


SCHEMAS = {"contract.v1.json": contract_v1, "results.v1.json": results_v1}


def schema_text(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> None:
    for name in SCHEMAS:
        (folder / name).write_text(schema_text(name), encoding="utf-8")


if __name__ == "__main__":
    write_schemas(Path(__file__).resolve().parents[1] / "schemas")
