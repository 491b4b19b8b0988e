"""Links to code, models, datasets and project pages in a paper's text.

Pure text function (no spaCy): :func:`find_code_links` returns one
:class:`~extract.records.CodeLink` per distinct URL, with its char span in the
text, the host, ``owner``/``repo`` for code hosts and a ``kind``:

==============================================  ===========
github.com, gitlab.com (and gitlab.* hosts),     ``code``
bitbucket.org, codeberg.org, gist.github.com,
anonymous.4open.science
huggingface.co/<owner>/<name>, hf.co             ``model``
huggingface.co/datasets/...                      ``dataset``
huggingface.co/spaces/..., other HF pages        ``project``
<name>.github.io and any other http(s) URL       ``project``
==============================================  ===========

Written forms handled: with or without scheme (``github.com/a/b``,
``www.github.com/a/b``), trailing punctuation, quotes and markup
(``\\url{...}``, ``\\href{url}{text}``, ``<...>``, markdown ``[text](url)``),
LaTeX escapes inside URLs (``\\_``), unbalanced closing brackets, an ellipsis,
a space after ``https://`` and the common ``github. com`` break.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from extract.records import CodeLink, new_code_link

_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gist.github.com"}
_HF_HOSTS = {"huggingface.co", "hf.co"}
_ANON_HOSTS = {"anonymous.4open.science"}
_UPGRADE_HOSTS = _CODE_HOSTS | _HF_HOSTS | _ANON_HOSTS  # always written https://host/... without www.

# Where a URL can start.
_SCHEME_RE = re.compile(r"(?i)\bhttps?:\s?//\s?(?=[a-z0-9])")
_BARE_RE = re.compile(
    r"(?i)(?<![\w@./:\\-])(?:"
    r"(?:www\.)?(?:github\.\s?com|gitlab\.com|bitbucket\.org|codeberg\.org|huggingface\.co|hf\.co)/(?=[\w-])"
    r"|anonymous\.4open\.science/"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.github\.io(?![\w-])"
    r"|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r")"
)
# Characters that end a URL (besides white space and any non-ASCII character).
_STOP = set("<>\"{}|^`[]$")
_LATEX_ESCAPES = set("_%#&~")
_TRAIL = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_HOST_RE = re.compile(r"(?i)^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?::\d+)?$")
_HREF_RE = re.compile(r"\\href\s*\{\s*([^{}]*)\}\s*\{")
_MD_RE = re.compile(r"\[([^\[\]]+)\]\(\s*(?:https?://|www\.)")
_BROKEN_HOST_RE = re.compile(r"(?i)github\.$")
_BROKEN_TAIL_RE = re.compile(r"(?i)(?:com/|io(?=[/\s.,;:)]|$))")
# "github.com/owner/ Repo-Name": a repo name cut off by a space after the owner's slash
_OWNER_ONLY_RE = re.compile(r"(?i)(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/$")
_REPO_TOKEN_RE = re.compile(r"[A-Za-z0-9][\w.-]*(?=[\s.,;:)]|$)")


# The characters that never end a URL body nor need a second look (see _scan_end): ASCII, not white
# space, not a backslash, not in _STOP. A run of them is skipped by one regex match.
_PLAIN_URL_CHARS_RE = re.compile(
    "[" + "".join(re.escape(chr(i)) for i in range(128)
                  if not chr(i).isspace() and chr(i) != "\\" and chr(i) not in _STOP) + "]*")


def _scan_end(text: str, pos: int) -> int:
    """Where the URL body starting at ``pos`` ends (exclusive), before trimming."""
    n = len(text)
    i = pos
    plain = _PLAIN_URL_CHARS_RE.match
    while i < n:
        i = plain(text, i).end()  # (the characters the loop below would step over one by one)
        if i >= n:
            break
        c = text[i]
        if c == "\\":
            if i + 1 < n and text[i + 1] in _LATEX_ESCAPES:
                i += 2
                continue
            break
        if c.isspace():
            # "github. com/owner/repo": one space inside the host
            if c == " " and _BROKEN_HOST_RE.search(text, max(pos, i - 7), i) and _BROKEN_TAIL_RE.match(text, i + 1):
                i += 1
                continue
            if c == " " and _OWNER_ONLY_RE.search(text, pos, i):
                m = _REPO_TOKEN_RE.match(text, i + 1)
                if m and re.search(r"[A-Z0-9_-]", m.group(0).rstrip(".")):
                    i += 1
                    continue
            break
        if ord(c) > 127 or c in _STOP:
            break
        i += 1
    return i


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation and unbalanced brackets from ``text[start:end]``."""
    depth, open_at = 0, -1
    if text.find("(", start, end) >= 0:  # (without one, depth stays 0)
        for i in range(start, end):  # "repo.(The ..." : an opening bracket never closed ends the URL
            if text[i] == "(":
                depth, open_at = depth + 1, (i if depth == 0 else open_at)
            elif text[i] == ")" and depth:
                depth -= 1
    if depth and open_at > start:
        end = open_at
    while end > start:
        c = text[end - 1]
        if c in _TRAIL:
            end -= 1
        elif c in _CLOSERS:
            span = text[start:end]
            if span.count(_CLOSERS[c]) < span.count(c):
                end -= 1
            else:
                break
        elif c == "\\":
            end -= 1
        else:
            break
    return end


def _display_regions(text: str) -> list[tuple[int, int]]:
    """Spans of link *display* text whose target is a URL: ``\\href{url}{TEXT}``, ``[TEXT](url)``."""
    regions = []
    for m in _HREF_RE.finditer(text):
        target = m.group(1).strip()
        if not (_SCHEME_RE.match(target) or _BARE_RE.match(target)):
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        regions.append((m.end(), i))
    for m in _MD_RE.finditer(text):
        regions.append(m.span(1))
    return regions


_LATEX_ESCAPE_RE = re.compile(r"\\([_%#&~])")
_SPACES_RE = re.compile(r"\s+")
_URL_SCHEME_RE = re.compile(r"(?i)^(https?)://")
_QUERY_RE = re.compile(r"[?#]")
_PATH_SEP_RE = re.compile(r"[/?#]")
_DEDUPE_PREFIX_RE = re.compile(r"^https?://(www\.)?")


def _unescape(raw: str) -> str:
    out = _LATEX_ESCAPE_RE.sub(r"\1", raw) if "\\" in raw else raw
    # (every character \s matches but " " is unprintable: most URLs need no substitution)
    return _SPACES_RE.sub("", out) if " " in out or not out.isprintable() else out


def _split(url: str) -> tuple[str | None, str, str]:
    """(scheme, host, rest) of a cleaned URL string (scheme may be missing)."""
    m = _URL_SCHEME_RE.match(url)
    scheme = m.group(1).lower() if m else None
    rest = url[m.end():] if m else url
    cut = len(rest)
    for sep in "/?#":
        k = rest.find(sep)
        if k != -1:
            cut = min(cut, k)
    return scheme, rest[:cut], rest[cut:]


def _classify(host: str, path: str) -> tuple[str, str | None, str | None]:
    """(kind, owner, repo) for a host and its path (``/a/b/...``)."""
    segs = [s for s in _PATH_SEP_RE.split(path) if s]
    if host in _CODE_HOSTS or host.startswith("gitlab."):
        owner = segs[0] if segs else None
        repo = segs[1].removesuffix(".git") if len(segs) > 1 else None
        return "code", owner, repo or None
    if host in _ANON_HOSTS:
        return "code", None, segs[1] if len(segs) > 1 else None
    if host in _HF_HOSTS:
        if segs and segs[0] in ("datasets", "spaces", "collections"):
            kind = "dataset" if segs[0] == "datasets" else "project"
            return kind, segs[1] if len(segs) > 1 else None, segs[2] if len(segs) > 2 else None
        if segs and segs[0] in ("papers", "docs", "blog", "models", "organizations"):
            return "project", None, None
        if len(segs) >= 2:
            return "model", segs[0], segs[1]
        return "project", segs[0] if segs else None, None
    return "project", None, None


def _normalise(raw: str) -> tuple[str, str, str, str | None, str | None] | None:
    """(url, host, kind, owner, repo) for a raw URL span, or ``None`` when it is not a URL."""
    scheme, host, rest = _split(_unescape(raw))
    host_l = host.lower()
    if not _HOST_RE.match(host_l):
        return None
    bare = host_l.removeprefix("www.")
    if bare in _UPGRADE_HOSTS or bare.endswith(".github.io"):
        host_l = bare
        scheme = "https"
    path = rest
    path_only = _QUERY_RE.split(path, maxsplit=1)[0]
    if path_only.endswith(".git") and len(path_only) == len(path):
        path = path[:-4]
    path = path.rstrip("/") if path_only == path else path
    kind, owner, repo = _classify(host_l, path)
    return f"{scheme or 'https'}://{host_l}{path}", host_l, kind, owner, repo


# Every match of _SCHEME_RE or _BARE_RE holds one of these (case-insensitively).
_URL_HINTS = ("http", "www.", "github.", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co", "hf.co",
              "anonymous.4open.science")


def _may_hold_url(text: str, low: str | None = None) -> bool:
    """Cheap necessary condition for a URL start in ``text`` (most abstracts have none).

    A scheme URL and a code-host URL hold a ``/`` and one of :data:`_URL_HINTS` (case-insensitively);
    the other bare forms (``x.github.io``, ``www.x.org``) hold ``github.`` or ``www.``.

    Non-ASCII text is always scanned: the ``(?i)`` regexes fold some non-ASCII letters to ASCII ones.
    ``low``: ``text.lower()`` when the caller has it.
    """
    if not text.isascii():
        return True
    if low is None:
        low = text.lower()
    if "/" in text:
        return any(h in low for h in _URL_HINTS)
    # (without a "/": two hints to look for instead of nine)
    return "github." in low or "www." in low


# The same regexes for lower-cased ASCII text (case-insensitive matching is slow in ``re``); the
# scheme regex starts with its literal ("\bhttp" as "http" + look-behind) so that it is searched fast.
_SCHEME_LOW_RE = re.compile(r"http(?<!\whttp)s?:\s?//\s?(?=[a-z0-9])")
_BARE_LOW_RE = re.compile(_BARE_RE.pattern.replace("(?i)", "", 1))
# Every _BARE_RE match holds one of these, and white space only right after "github."
_BARE_HINTS = ("github.", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co", "hf.co",
               "anonymous.4open.science", "www.")
_ASCII_SPACES = " \t\n\r\f\v\x1c\x1d\x1e\x1f"  # what \s matches in ASCII text


def _chunk_start(low: str, i: int, spaces: str = _ASCII_SPACES) -> int:
    """Start of the run of non-space characters holding ``low[i]``; ``spaces``: the white-space characters
    to look for (those of :data:`_ASCII_SPACES` that ``low`` holds at all)."""
    return max((low.rfind(c, 0, i) for c in spaces), default=-1) + 1


def _chunk_end(low: str, i: int, spaces: str = _ASCII_SPACES) -> int:
    """End of the run of non-space characters holding ``low[i]`` (``len(low)`` at the end)."""
    n = len(low)
    if i >= n:
        return n
    return min((j for j in (low.find(c, i) for c in spaces) if j >= 0), default=n)


def _url_starts(text: str, low: str | None = None) -> set[int]:
    """Where URLs start: the matches of :data:`_SCHEME_RE` and :data:`_BARE_RE` in ``text``.

    For ASCII text the bare-host regex runs only on the runs of non-space characters around the
    host names it needs (a match never holds white space, except one character after ``github.``),
    on the lower-cased text; the result is the same as a scan of the whole text. ``low``: ``text.lower()``
    when the caller has it.
    """
    if not text.isascii():
        return {m.start() for m in _SCHEME_RE.finditer(text)} | {m.start() for m in _BARE_RE.finditer(text)}
    if low is None:
        low = text.lower()
    starts = _scheme_starts(low)
    windows = []
    spaces = None
    for hint in _BARE_HINTS:
        i = low.find(hint)
        while i >= 0:
            if spaces is None:  # (most texts hold only " " and perhaps "\n": no need to look for the others)
                spaces = "".join(c for c in _ASCII_SPACES if c in low)
            windows.append((_chunk_start(low, i, spaces), _chunk_end(low, i + len(hint) + 1, spaces)))
            i = low.find(hint, i + 1)
    windows.sort()
    merged: list[list[int]] = []
    for a, b in windows:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in merged:
        starts.update(m.start() for m in _BARE_LOW_RE.finditer(low, a, b))
    return starts


def _scheme_starts(low: str) -> set[int]:
    """The starts of the :data:`_SCHEME_LOW_RE` matches in the lower-cased ASCII text ``low``.

    Each match starts with ``http``: the regex is tried only where ``str.find`` (far faster than the
    regex engine's own scan for its prefix) finds one. No match holds a second ``http``, so the matches
    do not hide each other and the set is the one ``finditer`` gives.
    """
    out = set()
    match = _SCHEME_LOW_RE.match
    i = low.find("http")
    while i >= 0:
        if match(low, i) is not None:
            out.add(i)
        i = low.find("http", i + 4)
    return out


def _dedupe_key(url: str) -> str:
    return _DEDUPE_PREFIX_RE.sub("", url.lower()).removesuffix(".git").rstrip("/")


def find_code_links(
    text: str, field: str = "abstract", sentences: list[tuple[int, int]] | None = None
) -> list[CodeLink]:
    """Every distinct URL in ``text`` as a :class:`CodeLink`, in text order.

    Parameters
    ----------
    text : str
        A title or abstract.
    field : str
        Stored on each link (``"abstract"`` or ``"title"``).
    sentences : list of (start, end), optional
        Sentence char spans of ``text``; the sentence holding a URL becomes its ``sentence``.

    Examples
    --------
    >>> [(c.url, c.owner, c.repo) for c in find_code_links("Code: github.com/keyu-tian/SparK.")]
    [('https://github.com/keyu-tian/SparK', 'keyu-tian', 'SparK')]
    """
    if not text or not _may_hold_url(text):
        return []
    return _code_links_in(text, field, sentences)


def _code_links_in(text: str, field: str, sentences: list[tuple[int, int]] | None, low: str | None = None
                   ) -> list[CodeLink]:
    """:func:`find_code_links` for a text known to hold a URL hint (:func:`_may_hold_url`); ``low``:
    ``text.lower()`` when the caller has it."""
    starts = _url_starts(text, low)
    hidden = _display_regions(text)
    spans: list[tuple[int, int]] = []
    for start in sorted(starts):
        if any(s <= start < e for s, e in spans):
            continue  # inside a URL already read (a bare host after a scheme)
        m = _SCHEME_RE.match(text, start)
        body = m.end() if m else start
        end = _trim(text, start, _scan_end(text, body))
        if end <= body:
            continue
        spans.append((start, end))
    sents = sorted(sentences or [])
    sent_starts = [s for s, _ in sents]
    seen: set[str] = set()
    links: list[CodeLink] = []
    for start, end in spans:
        if any(s <= start < e for s, e in hidden):
            continue
        norm = _normalise(text[start:end])
        if norm is None:
            continue
        url, host, kind, owner, repo = norm
        key = _dedupe_key(url)
        if key in seen:
            continue
        seen.add(key)
        sentence = ""
        k = bisect_right(sent_starts, start) - 1
        if k >= 0 and sents[k][0] <= start < sents[k][1]:
            sentence = text[sents[k][0]:sents[k][1]]
        links.append(new_code_link(url, host, owner, repo, kind, start, end, field, sentence))
    return links
