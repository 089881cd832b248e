"""Schemathesis hooks for the IND status API (api/inburgering-v1.openapi.json).

The document names the BSN rule as format 'bsn': nine digits passing the 11-test, or eight that
do with a leading 0. JSON Schema cannot say the 11-test, so this file only teaches the generator
to make such numbers; it switches no check off. SCHEMATHESIS_BSNS (comma-separated) adds
numbers the server's store holds, so answers about known persons are reached too.
"""
import os

import schemathesis
from hypothesis import strategies as st

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def with_check_digit(first_eight):
    """The nine-digit BSN that starts with these eight digits, or None when none passes the 11-test."""
    check = sum(w * int(d) for w, d in zip(WEIGHTS, first_eight)) % 11
    if check == 10 or (first_eight == "00000000" and check == 0):
        return None
    return first_eight + str(check)


def as_asked(bsn, short):
    """The BSN as a caller may send it: nine digits, or eight when it starts with 0."""
    return bsn[1:] if short and bsn.startswith("0") else bsn


generated = (
    st.tuples(st.text(alphabet="0123456789", min_size=8, max_size=8), st.booleans())
    .map(lambda drawn: (with_check_digit(drawn[0]), drawn[1]))
    .filter(lambda drawn: drawn[0] is not None)
    .map(lambda drawn: as_asked(*drawn))
)
known = [bsn for bsn in os.environ.get("SCHEMATHESIS_BSNS", "").split(",") if bsn]
schemathesis.openapi.format("bsn", st.one_of(st.sampled_from(known), generated) if known else generated)
