"""The fast paths of extract.codelinks give what the general ones give.

- URL starts of ASCII text (:func:`_url_bodies`: a ``:`` scan for schemes, a host-word-dot scan for bare
  hosts) against the two regexes over the whole text (:func:`_url_bodies_general`);
- plain code-host URLs (:func:`_normalise_plain`) against :func:`_normalise_general`;
- the dedupe key against its regex form;
- the links of a text against those found with the general paths only (all three patched in).

Inputs: hand-picked cases and random "URL soup" built from fragments that exercise the rules (markup,
LaTeX escapes, trailing punctuation, brackets, broken hosts, non-ASCII, several hosts), with a fixed seed.
"""

from __future__ import annotations

import random
import re

import pytest

from extract import codelinks as cl

_FRAGMENTS = [
    "https://", "http://", "HTTPS://", "Http://", "https:// ", "http:/", "https:", "httpss://", "xhttp://",
    "github.com/", "GitHub.Com/", "github. com/", "github. io", "github.", "www.", "WWW.", "www.x.org",
    "gitlab.com/", "gitlab.example.org/", "bitbucket.org/", "codeberg.org/", "gist.github.com/",
    "huggingface.co/", "hf.co/", "HF.co/", "datasets/", "spaces/", "models/", "anonymous.4open.science/r/",
    "x.github.io", "a-b.c.github.io/", "owner", "Repo-Name", "repo.git", ".git", "/", "//", ".", ",", ";",
    ":", ")", "(", "]", "[", "}", "{", ">", "<", '"', "'", "*", " ", "  ", "\n", "\t", "\x1c", "\\_", "\\%",
    "\\", "\\url{", "\\href{", "}{text}", "[text](", "](", "café", "ſ", "é", "…", "\u212a", "?q=1", "#frag",
    "%20", "_", "-", "@", "mail@", "./", "e.g.", "3.5", "...", "com/", "io", "a", "b", "Code", "at", "1",
    "Code at ", " and ", "tree/main", ":8080", "wwwx.", "hf.", "anonymous.",
]


def _soup(rnd: random.Random, n: int) -> list[str]:
    return ["".join(rnd.choice(_FRAGMENTS) for _ in range(rnd.randint(1, 16))) for _ in range(n)]


_CASES = [
    "Code: https://github.com/acme/FastSeg. Weights: https://huggingface.co/acme/fastseg.",
    "Code: github. com/a/b and GitHub.Com/Foo/Bar, WWW.Example.org, x.github.io/y.",
    "See https:// github.com/a/b (https://HF.co/x) or anonymous.4open.science/r/x-1.",
    "tab\tgithub.com/a/b\nwww.a.b\x1cgitlab.com/c/d huggingface.co/datasets/e/f",
    "a-b.c.github.io and mail@github.com/x and ./www.x.org and ghithub.com/a",
    "\\url{https://github.com/a/b\\_c} and \\href{https://github.com/x/y}{github.com/x/y}.",
    "[github.com/a/b](https://github.com/a/b) and <https://gitlab.com/g/p.git>.",
    "Code at https://github.com/owner/ Repo-Name, see also github.com/o/r/tree/main?x=1#y.",
    "http://www.github.com/A/B/ and HTTPS://GITHUB.COM/a/b.git and https://codeberg.org/x/y/.",
    "httphttps://github.com/a/b https:https://x.org http://http://a.org",
]


def test_url_bodies_of_ascii_text_are_the_regexes():
    for text in _CASES + _soup(random.Random(20240601), 5000):
        text = text.encode("ascii", "ignore").decode()  # (non-ASCII text takes the general path anyway)
        expected = cl._url_bodies_general(text)
        assert cl._url_bodies(text) == expected, text
        assert cl._url_bodies(text, text.lower()) == expected, text


def _raws(rnd: random.Random, n: int) -> list[str]:
    parts = ["https://", "http://", "HTTPS://", "Http://", "", "", "www.", "WWW.", "github.com", "GitHub.com",
             "gist.github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitlab.foo.org", "hf.co",
             "example.org", "/", "/", "//", "owner", "Repo.git", ".git", "a.b", "?x", "#y", " ", "\\_", "é", "-",
             "_", ":8080", "..", "tree/main", "\t"]
    return ["".join(rnd.choice(parts) for _ in range(rnd.randint(1, 8))) for _ in range(n)]


def test_plain_code_host_urls_normalise_as_the_general_path():
    plain = 0
    for raw in _raws(random.Random(7), 20000) + ["github.com/a/b", "https://www.GitHub.com/A/B.git",
                                                 "codeberg.org/.git", "http://gitlab.com/g/p/", "github.com"]:
        fast = cl._normalise_plain(raw)
        if fast is not None:
            plain += 1
            assert fast == cl._normalise_general(raw), raw
        assert cl._normalise(raw) == cl._normalise_general(raw), raw
    assert plain > 500  # (the fast path was exercised)


def test_plain_path_declines_what_it_does_not_handle():
    for raw in ("https://github.com/a/b?tab=1", "github.com/a/b#readme", "github.com/a\\_b", "github. com/a/b",
                "https://huggingface.co/a/b", "gitlab.example.org/a/b", "github.com/café", "github.com/a\tb"):
        assert cl._normalise_plain(raw) is None, raw


def test_dedupe_key_is_its_regex_form():
    prefix = re.compile(r"^https?://(www\.)?")
    for raw in _raws(random.Random(11), 5000):
        norm = cl._normalise_general(raw)
        if norm is not None:
            url = norm[0]
            assert cl._dedupe_key(url) == prefix.sub("", url.lower()).removesuffix(".git").rstrip("/"), url


def _general_links(text: str, sentences) -> list:
    """The links of ``text`` with every fast path swapped for its general form."""
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(cl, "_url_bodies", lambda text, low=None: cl._url_bodies_general(text))
        mp.setattr(cl, "_normalise", cl._normalise_general)
        return cl.find_code_links(text, "abstract", sentences)
    finally:
        mp.undo()


def test_links_are_those_of_the_general_paths():
    found = 0
    for text in _CASES + _soup(random.Random(99), 3000):
        n = len(text)
        sentences = [(0, n // 3), (n // 3 + 1, n)]  # (with a gap: a link there has no sentence)
        expected = _general_links(text, sentences)
        found += len(expected)
        assert cl.find_code_links(text, "abstract", sentences) == expected, text
        low = text.lower() if text.isascii() else None
        assert (cl._code_links_in(text, "abstract", sentences, low) if text else []) == expected, text
    assert found > 1000  # (the soup holds links)
