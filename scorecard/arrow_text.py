"""The bytes of an Arrow text column, for the result writers that build their rows with Arrow's
string kernels (csv_rows, json_rows, xlsx_rows): the values of a large_string array lie end to end
in its data buffer, so its rows' text is one slice of it, with no Python string per row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def text_bytes(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of every value of a large_string array, in order, without separators."""
    offsets = np.frombuffer(texts.buffers()[1], np.int64)[texts.offset:texts.offset + len(texts) + 1]
    return memoryview(texts.buffers()[2])[int(offsets[0]):int(offsets[-1])]
