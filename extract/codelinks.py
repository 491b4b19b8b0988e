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
            # (both regexes end their match at i: on "github." and on "/", the characters looked at first)
            if c == " " and text[i - 1] == "." and _BROKEN_HOST_RE.search(text, max(pos, i - 7), i) \
                    and _BROKEN_TAIL_RE.match(text, i + 1):
                i += 1
                continue
            if c == " " and text[i - 1] == "/" and _OWNER_ONLY_RE.search(text, pos, i):
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
    plain = _normalise_plain(raw)
    return plain if plain is not None else _normalise_general(raw)


def _normalise_general(raw: str) -> tuple[str, str, str, str | None, str | None] | None:
    """:func:`_normalise` for any raw URL span."""
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


# host as written, lower-cased -> the host of the link, for the code hosts (with or without "www.")
_PLAIN_CODE_HOSTS = {h: h for h in _CODE_HOSTS} | {"www." + h: h for h in _CODE_HOSTS}


def _normalise_plain(raw: str) -> tuple[str, str, str, str | None, str | None] | None:
    """:func:`_normalise_general` of the common case, a plain code-host URL (``https://github.com/a/b``),
    by string operations alone; ``None`` for any other span (the caller then takes the general path).

    Plain: printable ASCII without a space, a backslash (LaTeX escape), a query or a fragment, and the
    host (after an optional ``http://``/``https://``) one of :data:`_CODE_HOSTS`, perhaps after ``www.``.
    Then nothing needs unescaping, the path ends at no ``?``/``#``, the host is valid and the link is
    always ``https://<host>``.
    """
    if not (raw.isascii() and raw.isprintable()) or " " in raw or "\\" in raw or "?" in raw or "#" in raw:
        return None
    head = raw[:8].lower()
    i = 8 if head == "https://" else 7 if head.startswith("http://") else 0
    j = raw.find("/", i)
    if j < 0:
        j = len(raw)
    host = _PLAIN_CODE_HOSTS.get(raw[i:j].lower())
    if host is None:
        return None
    path = raw[j:]
    path = path[:-4] if path.endswith(".git") else path.rstrip("/")  # (as the general path: not both)
    segs = [s for s in path.split("/") if s]
    owner = segs[0] if segs else None
    repo = segs[1].removesuffix(".git") if len(segs) > 1 else None
    return f"https://{host}{path}", host, "code", owner, repo or None


# The same regexes for lower-cased ASCII text (case-insensitive matching is slow in ``re``).
_SCHEME_LOW_RE = re.compile(r"http(?<!\whttp)s?:\s?//\s?(?=[a-z0-9])")
_BARE_LOW_RE = re.compile(_BARE_RE.pattern.replace("(?i)", "", 1))
# Every _BARE_RE match holds one of these words followed by a dot ("www.", "github.", "hf.", ...). The
# regex matches that dot: it starts with a literal, so ``re`` skips to each "." in fast C code and only
# there looks back for the word, first for its last letter (one scan of the text in place of a
# ``str.find`` per host name); the word is the match's one group that took part.
_HOST_WORDS = ("www", "github", "gitlab", "bitbucket", "codeberg", "huggingface", "hf", "anonymous")
_HOST_DOT_RE = re.compile(
    r"\.(?<=[" + "".join(sorted({w[-1] for w in _HOST_WORDS})) + r"]\.)(?:"
    + "|".join(rf"(?<=({w})\.)" for w in _HOST_WORDS) + ")")
# What a _BARE_RE match is made of before the dot of its host word: ASCII letters (lower-cased text),
# digits, "." and "-"; and the other characters its look-behind refuses before a match.
_HOST_RUN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
_NOT_BEFORE = frozenset("_@/:\\")


def _may_hold_url(text: str, low: str | None = None) -> bool:
    """Cheap necessary condition for a URL start in ``text`` (most abstracts have none).

    A scheme URL holds ``:`` and ``http`` (the one-character test first: about half the abstracts hold
    no ``:``), a bare one a host word and its dot (:data:`_HOST_DOT_RE`), case-insensitively. Non-ASCII
    text is always scanned: the ``(?i)`` regexes fold some non-ASCII letters to ASCII ones. ``low``:
    ``text.lower()`` when the caller has it.
    """
    if not text.isascii():
        return True
    if low is None:
        low = text.lower()
    return (":" in low and "http" in low) or _HOST_DOT_RE.search(low) is not None


def _url_bodies(text: str, low: str | None = None) -> dict[int, int]:
    """Where URLs start, and where the body after the scheme starts: ``{start: body}``.

    The starts are those of the matches of :data:`_SCHEME_RE` and :data:`_BARE_RE` in ``text``; the body
    is the end of the scheme match there (``start`` for a bare host). For ASCII text found by
    :func:`_scheme_bodies` and :func:`_bare_starts` on the lower-cased text (the same positions, found
    faster). ``low``: ``text.lower()`` when the caller has it.
    """
    if not text.isascii():
        return _url_bodies_general(text)
    if low is None:
        low = text.lower()
    bodies = _scheme_bodies(low)
    for p in _bare_starts(low):
        bodies.setdefault(p, p)
    return bodies


def _url_bodies_general(text: str) -> dict[int, int]:
    """:func:`_url_bodies` of any text, by the two regexes themselves."""
    bodies = {m.start(): m.end() for m in _SCHEME_RE.finditer(text)}
    for m in _BARE_RE.finditer(text):
        bodies.setdefault(m.start(), m.start())
    return bodies


def _scheme_bodies(low: str) -> dict[int, int]:
    """``{start: end}`` of the :data:`_SCHEME_LOW_RE` matches in the lower-cased ASCII text ``low``.

    Each match holds one ``:``, right after its ``http`` or ``https``: the regex is tried only there,
    at each ``:`` that ``str.find`` finds (a one-character search is far faster than the regex engine's
    own scan for its prefix, and abstracts hold few colons). No match holds a second ``http``, so the
    matches do not hide each other and they are the ones ``finditer`` gives.
    """
    out = {}
    match = _SCHEME_LOW_RE.match
    i = low.find(":")
    while i >= 0:
        if i >= 4 and low[i - 1] in "sp":
            start = i - 5 if i >= 5 and low.startswith("https", i - 5, i) else i - 4
            if low.startswith("http", start, start + 4):
                m = match(low, start)
                if m is not None:
                    out[start] = m.end()
        i = low.find(":", i + 1)
    return out


def _bare_starts(low: str) -> list[int]:
    """The starts of the :data:`_BARE_LOW_RE` matches in the lower-cased ASCII text ``low``, in order.

    Every match holds a host word's dot (:data:`_HOST_DOT_RE`) and, before it, only characters of
    :data:`_HOST_RUN`; its look-behind refuses those characters before the start. So a match can only
    start where the run of :data:`_HOST_RUN` characters that ends at such a dot starts, and only when the
    character before is not one of :data:`_NOT_BEFORE` either: the regex is tried there alone. As with
    ``finditer``, a start inside the previous match is passed over (matches do not overlap).
    """
    out: list[int] = []
    end = -1  # end of the previous match
    tried = -1  # the last start tried (the dots of one run share it)
    match = _BARE_LOW_RE.match
    for d in _HOST_DOT_RE.finditer(low):
        if d.start() < end:
            continue
        p = d.start(d.lastindex)  # (the host word's start: the run goes back at least that far)
        while p and low[p - 1] in _HOST_RUN:
            p -= 1
        if p == tried or p < end or (p and low[p - 1] in _NOT_BEFORE):
            continue
        tried = p
        m = match(low, p)
        if m is not None:
            out.append(p)
            end = m.end()
    return out


def _dedupe_key(url: str) -> str:
    """The key two spellings of one link share: lower-cased, without the scheme (a normalised link has
    one), ``www.``, ``.git`` and trailing slashes."""
    low = url.lower()
    if low.startswith("https://"):
        low = low[8:].removeprefix("www.")
    elif low.startswith("http://"):
        low = low[7:].removeprefix("www.")
    return low.removesuffix(".git").rstrip("/")


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
    if not text:
        return []
    return _code_links_in(text, field, sentences)


def _code_links_in(text: str, field: str, sentences: list[tuple[int, int]] | None, low: str | None = None
                   ) -> list[CodeLink]:
    """:func:`find_code_links` for a non-empty text; ``low``: ``text.lower()`` when the caller has it.

    Cheap on a text without a URL (one scan for ``:``, one for the host words' dots).
    """
    bodies = _url_bodies(text, low)
    if not bodies:
        return []
    spans: list[tuple[int, int]] = []
    last_end = -1  # (the spans do not overlap and come in order: a start can only be inside the last one)
    for start in sorted(bodies):
        if start < last_end:
            continue  # inside a URL already read (a bare host after a scheme)
        body = bodies[start]
        end = _trim(text, start, _scan_end(text, body))
        if end <= body:
            continue
        spans.append((start, end))
        last_end = end
    # (link display text: only where there is link markup at all; a one-character test first, as
    # "]" and "\\" are rare in abstracts and ``in`` finds one character far faster than two)
    hidden = (_display_regions(text) if ("]" in text and "](" in text) or ("\\" in text and "\\href" in text)
              else ())
    sents = sent_starts = None
    seen: set[str] = set()
    links: list[CodeLink] = []
    for start, end in spans:
        if hidden and any(s <= start < e for s, e in hidden):
            continue
        norm = _normalise(text[start:end])
        if norm is None:
            continue
        url, host, kind, owner, repo = norm
        key = _dedupe_key(url)
        if key in seen:
            continue
        seen.add(key)
        if sents is None:  # (at the first link: most texts have none)
            sents = sorted(sentences or [])
            sent_starts = [s for s, _ in sents]
        sentence = ""
        k = bisect_right(sent_starts, start) - 1
        if k >= 0 and sents[k][0] <= start < sents[k][1]:
            sentence = text[sents[k][0]:sents[k][1]]
        links.append(new_code_link(url, host, owner, repo, kind, start, end, field, sentence))
    return links
