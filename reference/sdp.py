"""SDP (RFC 8866) as the reference accepts it, from a browser (the offer) and from OpenAI (the
answer it passes on to the browser).

Every line is `<type>=<value>` with a lower-case letter type; the first is `v=0`; `o=` and `s=`
are present; no control character but TAB anywhere (no NUL, no ESC, no lone CR). An answer must
also hold no `<` (an HTML error page served as `application/sdp` is not an answer) and be
UTF-8: whatever does not pass is never handed to a browser.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"^[a-z]=[^\x00-\x08\x0a-\x1f\x7f]*$")


def sdp_problem(sdp: str, limit: int, what: str = "SDP offer") -> str | None:
    """Why `sdp` is not acceptable SDP (None when it is)."""
    if len(sdp.encode("utf-8", "surrogatepass")) > limit:
        return f"{what} exceeds {limit} bytes"
    lines = [line for line in sdp.replace("\r\n", "\n").split("\n") if line]
    if not lines or lines[0] != "v=0":
        return f"{what} must start with v=0"
    if not all(_LINE.match(line) for line in lines):
        return f"{what} has a malformed line"
    if not any(line.startswith("o=") for line in lines) or not any(
        line.startswith("s=") for line in lines
    ):
        return f"{what} lacks its o= or s= line"
    return None


def answer_problem(sdp: str, limit: int) -> str | None:
    """Why OpenAI's answer cannot be passed to the browser (None when it can)."""
    if "\ufffd" in sdp:
        return "SDP answer is not UTF-8"
    if "<" in sdp:
        return "SDP answer holds markup"
    return sdp_problem(sdp, limit, "SDP answer")
