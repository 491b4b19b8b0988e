"""Tests of extract.codelinks: code, model, dataset and project links in abstracts."""

from __future__ import annotations

import pytest

from extract.codelinks import find_code_links
from extract.records import CodeLink


def urls(text: str) -> list[str]:
    return [c.url for c in find_code_links(text)]


def one(text: str) -> CodeLink:
    links = find_code_links(text)
    assert len(links) == 1, links
    return links[0]


# --- trailing punctuation and markup ------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Code is available at https://github.com/acme-lab/FastSeg.",
        "Code is available at https://github.com/acme-lab/FastSeg",
        "Code: https://github.com/acme-lab/FastSeg, models too.",
        "Code: https://github.com/acme-lab/FastSeg; models too.",
        "Code (see https://github.com/acme-lab/FastSeg) is public.",
        "Code [https://github.com/acme-lab/FastSeg] is public.",
        "Code is at \\url{https://github.com/acme-lab/FastSeg}.",
        "Code is at <https://github.com/acme-lab/FastSeg>.",
        'Code is at "https://github.com/acme-lab/FastSeg".',
        "Code is at 'https://github.com/acme-lab/FastSeg'.",
        "Code is at https://github.com/acme-lab/FastSeg}.",
        "Code is at https://github.com/acme-lab/FastSeg.git.",
        "Code is at https://github.com/acme-lab/FastSeg/.",
        "Code is at https://github.com/acme-lab/FastSeg…",
        "Code is at https://github.com/acme-lab/FastSeg!",
        "Code is at [our repo](https://github.com/acme-lab/FastSeg).",
        "Code is at \\href{https://github.com/acme-lab/FastSeg}{GitHub}.",
        "Code: $\\href{https://github.com/acme-lab/FastSeg}{https://github.com/acme-lab/FastSeg}$.",
        "Code is at https://github.com/acme-lab/FastSeg.(Appendix has more details.)",
    ],
)
def test_wrapping_and_trailing_characters_are_stripped(text):
    link = one(text)
    assert link.url == "https://github.com/acme-lab/FastSeg"
    assert (link.host, link.owner, link.repo, link.kind) == ("github.com", "acme-lab", "FastSeg", "code")


def test_span_points_at_the_url_in_the_text():
    text = "Code is available at https://github.com/acme-lab/FastSeg."
    link = one(text)
    assert text[link.start:link.end] == "https://github.com/acme-lab/FastSeg"


def test_markdown_display_url_is_not_a_second_link():
    text = "See [github.com/acme-lab/FastSeg](https://github.com/acme-lab/FastSeg)."
    link = one(text)
    assert text[link.start:link.end] == "https://github.com/acme-lab/FastSeg"


def test_href_display_text_with_different_spelling_is_not_a_second_link():
    text = "Page: \\href{https://acme.github.io/fastseg/}{acme.github.io/FastSeg}."
    assert urls(text) == ["https://acme.github.io/fastseg"]


def test_href_with_plain_text_target_keeps_the_display_url():
    text = "Demo: \\href{this link}{http://www.acme-demo.org/fastseg/}."
    assert urls(text) == ["http://www.acme-demo.org/fastseg"]


# --- scheme-less and broken URLs ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, url",
    [
        ("Code: github.com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
        ("Code: www.github.com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
        ("Code: http://github.com/acme-lab/FastSeg .", "https://github.com/acme-lab/FastSeg"),
        ("Code: https://www.github.com/acme-lab/FastSeg", "https://github.com/acme-lab/FastSeg"),
        ("Code: https:// github.com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
        ("Code: https: //github.com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
        ("Code: https://github. com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
        ("Code: https://github.com/acme-lab/ FastSeg-v2.", "https://github.com/acme-lab/FastSeg-v2"),
        ("Code: https://github.com/acme\\_lab/fast\\_seg.", "https://github.com/acme_lab/fast_seg"),
        ("Code: HTTPS://GitHub.com/acme-lab/FastSeg.", "https://github.com/acme-lab/FastSeg"),
    ],
)
def test_scheme_less_and_broken_forms(text, url):
    assert urls(text) == [url]


def test_space_after_owner_slash_does_not_swallow_an_ordinary_word():
    assert urls("Code will be at https://github.com/acme-lab/ soon.") == ["https://github.com/acme-lab"]


def test_dots_inside_paths_are_kept():
    assert urls("See https://github.com/acme/lib/releases/tag/v1.2.") == [
        "https://github.com/acme/lib/releases/tag/v1.2"
    ]
    assert urls("Project page: https://acme.github.io.") == ["https://acme.github.io"]
    assert urls("Page: https://acme.github.io/fast.seg/index.html.") == ["https://acme.github.io/fast.seg/index.html"]


def test_balanced_parentheses_inside_a_url_are_kept():
    assert urls("Background at (https://en.wikipedia.org/wiki/Mamba_(deep_learning)).") == [
        "https://en.wikipedia.org/wiki/Mamba_(deep_learning)"
    ]


def test_deeper_paths_are_kept_but_owner_repo_are_the_first_two_segments():
    link = one("Scripts live in https://github.com/acme-lab/FastSeg/tree/main/tools.")
    assert link.url == "https://github.com/acme-lab/FastSeg/tree/main/tools"
    assert (link.owner, link.repo) == ("acme-lab", "FastSeg")


def test_query_strings_are_kept_and_a_bare_question_mark_is_dropped():
    assert urls("Video: https://www.example.org/watch?v=abc123.") == ["https://www.example.org/watch?v=abc123"]
    assert urls("Gallery at https://www.example.org/gallery/fluid?.") == ["https://www.example.org/gallery/fluid"]


# --- hosts and kinds ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, host, kind, owner, repo",
    [
        ("gitlab.com/acme/sub/tool", "gitlab.com", "code", "acme", "sub"),
        ("https://gitlab.example-uni.de/grp/tool", "gitlab.example-uni.de", "code", "grp", "tool"),
        ("https://bitbucket.org/acme/tool", "bitbucket.org", "code", "acme", "tool"),
        ("https://huggingface.co/acme/fastseg-base", "huggingface.co", "model", "acme", "fastseg-base"),
        ("huggingface.co/datasets/acme/SegBench", "huggingface.co", "dataset", "acme", "SegBench"),
        ("https://huggingface.co/spaces/acme/demo", "huggingface.co", "project", "acme", "demo"),
        ("https://hf.co/acme/fastseg", "hf.co", "model", "acme", "fastseg"),
        ("https://anonymous.4open.science/r/FastSeg-1A2B", "anonymous.4open.science", "code", None, "FastSeg-1A2B"),
        ("https://acme-lab.github.io/FastSeg/", "acme-lab.github.io", "project", None, None),
        ("acme-lab.github.io/FastSeg", "acme-lab.github.io", "project", None, None),
        ("https://www.acme-lab.org/fastseg", "www.acme-lab.org", "project", None, None),
        ("www.acme-lab.org/fastseg", "www.acme-lab.org", "project", None, None),
    ],
)
def test_hosts_and_kinds(text, host, kind, owner, repo):
    link = one(f"Resources: {text}.")
    assert (link.host, link.kind, link.owner, link.repo) == (host, kind, owner, repo)
    assert link.url.startswith(("https://", "http://"))


def test_owner_only_github_link():
    link = one("More at https://github.com/acme-lab.")
    assert (link.owner, link.repo, link.kind) == ("acme-lab", None, "code")


def test_text_without_urls():
    assert find_code_links("We use GitHub issues and the e.g. abbreviation; see Sec. 3.1.") == []
    assert find_code_links("") == []


def test_email_addresses_are_not_links():
    assert find_code_links("Contact: someone@github.com or a.b@acme.org.") == []


# --- several links, dedupe, sentences, field ----------------------------------------------------

def test_several_links_in_order_and_deduplicated():
    text = (
        "Code: https://github.com/acme/FastSeg. Weights: https://huggingface.co/acme/fastseg. "
        "Mirror: github.com/acme/FastSeg/ and https://github.com/acme/FastSeg.git."
    )
    links = find_code_links(text)
    assert [c.url for c in links] == ["https://github.com/acme/FastSeg", "https://huggingface.co/acme/fastseg"]
    assert [c.kind for c in links] == ["code", "model"]


def test_sentence_and_field():
    text = "We propose FastSeg. Code is at https://github.com/acme/FastSeg. It is fast."
    sents = [(0, 19), (20, 63), (64, len(text))]
    link = find_code_links(text, field="title", sentences=sents)[0]
    assert link.sentence == "Code is at https://github.com/acme/FastSeg."
    assert link.field == "title"
    assert find_code_links(text)[0].sentence == ""


# --- the fast URL-start scan must find exactly what the two regexes find ------------------------------------

@pytest.mark.parametrize("text", [
    "Code: github. com/a/b and GitHub.Com/Foo/Bar, WWW.Example.org, x.github.io/y.",
    "See https:// github.com/a/b (https://HF.co/x) or anonymous.4open.science/r/x-1.",
    "tab\tgithub.com/a/b\nwww.a.b\x1cgitlab.com/c/d huggingface.co/datasets/e/f",
    "a-b.c.github.io and mail@github.com/x and ./www.x.org and ghithub.com/a",
    "non-ASCII: café github.com/a/b ſ www.x.org",
    "github.",
    "",
])
def test_url_starts_match_the_regexes(text):
    from extract.codelinks import _BARE_RE, _SCHEME_RE, _url_bodies

    expected = {m.start() for m in _SCHEME_RE.finditer(text)} | {m.start() for m in _BARE_RE.finditer(text)}
    bodies = _url_bodies(text)
    assert set(bodies) == expected
    for start, body in bodies.items():  # the body starts after the scheme, if there is one
        m = _SCHEME_RE.match(text, start)
        assert body == (m.end() if m else start)


def test_url_hint_check_is_case_insensitive():
    from extract.codelinks import _may_hold_url

    assert _may_hold_url("Code at GITHUB.COM/a/b")
    assert _may_hold_url("HTTPS://example.org")
    assert not _may_hold_url("We propose a new method.")
    assert [c.url for c in find_code_links("Code at GITHUB.COM/a/b")] == ["https://github.com/a/b"]
