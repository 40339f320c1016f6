"""idcodes.id_codes ranks the packed ids by one sort of key x position pairs where both fit in 64 bits
(the usual ids: digits) and by an argsort where they do not (bytes of wide ranges): exact codes both ways."""

import numpy as np
import pandas as pd

from scorecard.data.idcodes import _packed, id_codes


def test_narrow_ids_rank_by_their_digits():
    # one varying byte, '3' to '9' (span 7): keys 2, 0, 2, 6, 0 sorted with their positions
    column = pd.Series(["CU05", "CU03", "CU05", "CU09", None, "CU03"], dtype="string")
    assert _packed(column)[2] == 7
    assert id_codes(column).tolist() == [1, 0, 1, 2, -1, 0]


def test_ids_of_wide_bytes_are_coded_exactly():
    # eight varying bytes of 95 values each: 95**8 = 2**52.6, with 3,000 rows' positions (12 bits) over 64
    rng = np.random.default_rng(7)
    chars = np.array([chr(c) for c in range(32, 127)])
    ids = ["".join(rng.choice(chars, 8)) for _ in range(1500)]
    column = pd.Series(ids + ids[::-1], dtype="string")
    _, _, size = _packed(column)
    assert size.bit_length() + len(column).bit_length() > 64
    codes = id_codes(column)
    assert codes[:1500].tolist() == codes[1500:][::-1].tolist()
    assert len(set(codes.tolist())) == len(set(ids))
