"""Database sources: `--data source.yaml` names a database URL and, per canonical table, a table
name or a SQL query. Each result becomes a raw table like a file's (readers.RawTable), so it goes
through the same mapping, parsing and data checks; its rows are numbered as the query returns them
(first row = 1), which is how data_quality.csv locates them.

    url: sqlite:///exports/contacts.db          # duckdb:///x.duckdb, postgresql://user@host/db
    tables:
      interactions: interactions                # a table name
      qa_evaluations: "SELECT * FROM qa WHERE evaluated_at >= '2026-01-01'"   # or a query

Credentials never sit in the file: a password in the URL is refused; `${NAME}` in the URL is
replaced by the environment variable NAME, and PostgreSQL's driver reads $PGPASSWORD itself. A
relative SQLite or DuckDB path is read from the source file's folder, as a mapping's `file:` is.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..yamlread import FileKind, read_yaml_file
from .readers import SOURCE_ROW, RawTable, _report
from .schema import TABLES

SOURCE_SUFFIXES = (".yaml", ".yml")
_KIND = FileKind(what="the database source", syntax="not valid YAML", scalars="strict_bools")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FILE_URL = re.compile(r"^(sqlite|duckdb)(\+\w+)?:///(?!/)(.+)$")  # three slashes + relative path
_QUERY = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
_URL_HINT = ("e.g. url: sqlite:///contacts.db, duckdb:///contacts.duckdb or postgresql://user@host/db "
             "(password from $PGPASSWORD)")


def is_source(path: Path) -> bool:
    """A YAML file given to --data is a database source (data files are .csv, .parquet, .xlsx)."""
    return path.is_file() and path.suffix.lower() in SOURCE_SUFFIXES


class DatabaseTable:
    """One canonical table of a source: a table name or a query, read on `read()`. Named in messages
    as `source.yaml: tables.interactions`; `sha256()` fingerprints the rows read (provenance)."""

    def __init__(self, source: Path, url: str, table: str, text: str, line: int) -> None:
        self.source, self.url, self.table, self.text, self.line = source, url, table, text, line
        self._digest = ""

    def __str__(self) -> str:
        return f"{self.source}: tables.{self.table}"

    @property
    def sql(self) -> str:
        return self.text if _QUERY.match(self.text) else f'SELECT * FROM "{self.text}"'

    def read(self) -> RawTable:
        frame = self._query()
        self._digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
                                      + ",".join(map(str, frame.columns)).encode()).hexdigest()
        for col in frame.columns:  # text as the file readers give it (pandas "string"), so ordering matches
            if frame[col].dtype == object and frame[col].map(lambda v: v is None or isinstance(v, str)).all():
                frame[col] = frame[col].astype(pd.StringDtype("pyarrow"))
        frame[SOURCE_ROW] = np.arange(1, len(frame) + 1, dtype="int64")
        return RawTable(frame, _report([]))

    def _query(self) -> pd.DataFrame:
        import sqlalchemy

        try:
            engine = sqlalchemy.create_engine(self.url)
        except Exception as exc:  # unknown dialect, driver not installed
            raise self._error(f"cannot use the database URL: {exc}", _URL_HINT + "; DuckDB needs "
                              "`pip install duckdb-engine`, PostgreSQL `pip install psycopg2-binary`") from None
        try:
            with engine.connect() as conn:
                return pd.read_sql_query(sqlalchemy.text(self.sql), conn)
        except Exception as exc:  # each driver has its own errors; all mean "cannot read this table"
            reason = str(_driver_error(exc)).strip().splitlines()[0]
            raise self._error(f"cannot read table {self.table} from the database: {reason}",
                              "check the table name or the query (run it in your SQL tool), and that the "
                              "database is reachable") from None
        finally:
            engine.dispose()

    def _error(self, message: str, hint: str) -> DataError:
        return DataError(Problem(message, file=str(self.source), line=self.line, field=f"tables.{self.table}",
                                 hint=hint))

    def sha256(self) -> str:
        return self._digest


def _driver_error(exc: BaseException) -> BaseException:
    """The database's own message, under pandas' and SQLAlchemy's wrappers ("no such table: x")."""
    inner: BaseException | None = getattr(exc, "orig", None) or exc.__cause__
    while inner is not None:
        exc, inner = inner, getattr(inner, "orig", None) or inner.__cause__
    return exc


def source_tables(path: Path) -> dict[str, DatabaseTable]:
    """The source file's tables; DataError listing every problem of the file."""
    doc, problems = read_yaml_file(path, _KIND)
    if doc.data is None and problems:
        raise DataError(problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    file = str(path)

    def problem(message: str, key: tuple, hint: str) -> None:
        problems.append(Problem(message, file=file, line=doc.where(key)[0], field=".".join(map(str, key)),
                                hint=hint))

    url = data.get("url")
    tables = data.get("tables")
    for key in sorted(set(data) - {"url", "tables", "version"}):
        problem(f"unknown key {key!r}", (key,), "a source has `url:` and `tables:` (and an optional `version: 1`)")
    if data.get("version", 1) != 1:
        problem("unknown version", ("version",), "write `version: 1` or leave it out")
    if not isinstance(url, str) or not url.strip():
        problem("the source needs a database `url:`", ("url",), _URL_HINT)
        url = ""
    url = _expand(url, problem)
    if not isinstance(tables, dict) or not tables:
        problem("the source needs `tables:`, a table name or a query per canonical table", ("tables",),
                f"canonical tables: {', '.join(TABLES)}")
        tables = {}
    found = {}
    for name, text in tables.items():
        if name not in TABLES:
            problem(f"{name!r} is not a canonical table", ("tables", name), f"tables: {', '.join(TABLES)}")
        elif not isinstance(text, str) or not text.strip():
            problem(f"table {name} needs a table name or a SQL query", ("tables", name),
                    "e.g. interactions: contacts, or interactions: \"SELECT * FROM contacts\"")
        else:
            found[name] = DatabaseTable(path, _local(url, path), name, text.strip(), doc.where(("tables", name))[0])
    if problems:
        raise DataError(problems)
    return found


def _expand(url: str, problem) -> str:
    """`${NAME}` from the environment; a password written in the URL itself is refused."""
    missing = [n for n in _ENV.findall(url) if n not in os.environ]
    for name in missing:
        problem(f"the URL uses ${{{name}}}, and the environment variable {name} is not set", ("url",),
                f"set it before running (export {name}=...)")
    password = re.match(r"^[\w+]+://[^/@:]*:([^/@]*)@", url)
    if password and not _ENV.fullmatch(password.group(1)):
        problem("the URL holds a password: credentials must not be written in the file", ("url",),
                "remove it and set $PGPASSWORD (PostgreSQL) or write ${DB_PASSWORD} and export DB_PASSWORD")
    return _ENV.sub(lambda m: os.environ.get(m.group(1), ""), url)


def _local(url: str, source: Path) -> str:
    """A relative SQLite or DuckDB file is read from the source file's folder."""
    match = _FILE_URL.match(url)
    if not match or match.group(3).startswith(":memory:"):
        return url
    return f"{match.group(1)}{match.group(2) or ''}:///{(source.parent / match.group(3)).resolve()}"
