"""ASCII twins of regexes: the same matches in ASCII text, found faster.

In ``str`` patterns, ``\\w``, ``\\d`` and ``\\b`` test Unicode properties of each character (several
function calls per test); with ``re.ASCII`` they are table lookups. On ASCII text the two agree,
except that Unicode ``\\s`` also matches the four ASCII separators ``\\x1c``-``\\x1f``: the twin spells
``\\s`` out with them. Used where the text is known to be ASCII (``str.isascii``).
"""

from __future__ import annotations

import re

_SEPARATORS = "\\x1c-\\x1f"  # (Unicode white space that re.ASCII's \\s leaves out)


def ascii_twin(pattern: str, flags: int = 0) -> re.Pattern | None:
    """``pattern`` compiled with ``re.ASCII``, ``\\s`` and ``\\S`` rewritten so that it matches in ASCII text
    what ``re.compile(pattern, flags)`` matches there; ``None`` when that cannot be written (``\\S`` in a
    character class, or flags that tell case apart by Unicode rules)."""
    if flags & re.IGNORECASE:
        return None  # (Unicode case folding matches "K" and "ſ" to ASCII letters: not rewritten here)
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "s":
                out.append(f"\\s{_SEPARATORS}" if in_class else f"[\\s{_SEPARATORS}]")
            elif e == "S":
                if in_class:
                    return None
                out.append(f"[^\\s{_SEPARATORS}]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
        elif in_class:
            in_class = c != "]"
            out.append(c)
            i += 1
        elif c == "[":
            # the class opens; a "^" and then a "]" right after "[" belong to it as they are
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            out.append(pattern[i:j])
            i = j
            in_class = True
        else:
            out.append(c)
            i += 1
    return re.compile("".join(out), flags | re.ASCII)
