"""Tests of the corpus readers in extract.ingest."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from extract.errors import IngestError
from extract.ingest import FORMATS, dedupe, detect_format, read_sources, rebuild_abstract
from extract.records import Paper, SourceRef

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
DATA = ROOT / "data"


def fx(name: str) -> str:
    return str(FIXTURES / name)


def read(path, **kw) -> list[Paper]:
    return list(read_sources([path], **kw))


def by_title(papers: list[Paper]) -> dict[str, Paper]:
    return {p.title: p for p in papers}


def lines_of(papers: list[Paper]) -> list[int]:
    return [p.sources[0].line for p in papers]


# --------------------------------------------------------------------------- hf-listing


def test_hf_listing_fixture_titles_lines_and_abstracts():
    papers = read(fx("listing.txt"))
    assert [p.title for p in papers] == [
        "Sparse Mixtures of Tiny Experts",  # glued to "Subscribe"
        "Is Attention Really Needed for Image Classification?",
        "A Title Without Any Abstract",
        "Graph Transformers for Molecule Property Prediction",
    ]
    assert lines_of(papers) == [3, 5, 11, 12]
    assert all(p.sources[0].format == "hf-listing" for p in papers)
    assert all(p.sources[0].path == fx("listing.txt") for p in papers)
    p = by_title(papers)
    assert p["Sparse Mixtures of Tiny Experts"].abstract.startswith("We route each token")
    # blank lines and the date line between title and abstract are ignored
    assert p["Is Attention Really Needed for Image Classification?"].abstract.endswith("on ImageNet-1K.")
    assert p["A Title Without Any Abstract"].abstract == ""
    # a second paragraph (with a URL, so not a title) continues the abstract
    graph = p["Graph Transformers for Molecule Property Prediction"].abstract
    assert graph.startswith("We encode molecules") and graph.endswith("https://github.com/example/graph-mol")


def test_hf_listing_text_before_any_title_is_an_error(tmp_path):
    f = tmp_path / "page.txt"
    f.write_text(
        "Get trending papers in your email inbox!\n\n"
        "This long paragraph has no title line before it, so it cannot be attributed to a paper.\n"
        "Real Title\nIts abstract follows here.\n"
    )
    with pytest.raises(IngestError) as exc:
        read(f)
    assert exc.value.line == 3
    seen: list[IngestError] = []
    papers = read(f, skip_bad=True, on_skip=seen.append)
    assert [p.title for p in papers] == ["Real Title"]
    assert [e.line for e in seen] == [3]


@pytest.mark.skipif(not DATA.is_dir(), reason="data/ missing")
def test_bundled_listings_hold_375_distinct_papers():
    files = sorted(DATA.glob("*.txt"))
    assert len(files) == 5
    assert all(detect_format(f) == "hf-listing" for f in files)
    papers = list(read_sources(files))
    unique = dedupe(papers)
    assert len(unique) == 375
    assert len(papers) > len(unique)  # the pages overlap
    assert sum(len(p.sources) for p in unique) == len(papers)
    boiler = ("Subscribe", "Get trending", "byAK", "new")
    assert not any(p.title.startswith(boiler) for p in unique)
    assert all(p.abstract and len(p.abstract) > len(p.title) for p in unique)
    # the page whose first title is glued to "Subscribe"
    first_004 = next(p for p in papers if p.sources[0].path.endswith("004_327d84bc7dca69df.txt"))
    assert first_004.title == "ImageNet-21K Pretraining for the Masses"
    assert first_004.sources[0].line == 3
    # a line number points at the title line in the file
    sample = unique[100]
    src = sample.sources[0]
    text_lines = Path(src.path).read_text(encoding="utf-8").splitlines()
    assert text_lines[src.line - 1].strip().endswith(sample.title)


# --------------------------------------------------------------------------- jsonl / csv


def test_jsonl_reader_fields_and_cleaning():
    papers = read(fx("papers.jsonl"))
    assert lines_of(papers) == [1, 2, 4]  # line 3 is blank
    att, res, empty = papers
    assert (
        att.abstract == "We propose the Transformer, a model based solely on attention & feed-forward layers."
    )
    assert att.arxiv_id == "1706.03762"
    assert att.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert (att.year, att.id) == (2017, "p1")
    assert res.abstract.startswith("We present a residual")  # from "text"
    assert res.doi == "10.1109/cvpr.2016.90"
    assert res.year == 2016
    assert res.authors == ("Kaiming He", "Xiangyu Zhang")
    assert res.url == "https://example.org/resnet"
    assert empty.title == "A Paper With No Abstract Yet" and empty.abstract == ""
    assert empty.id == "3"


def test_json_array_document_is_read_as_jsonl_with_lines():
    papers = read(fx("records_array.json"))
    assert [p.title for p in papers] == ["Array Record One", "Array Record Two"]
    assert lines_of(papers) == [2, 3]
    assert papers[1].year == 2022


def test_csv_reader_bom_quoted_newlines_and_line_numbers():
    papers = read(fx("papers.csv"))
    assert [p.title for p in papers] == [
        "Layer Normalization",
        "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
        "Adam: A Method for Stochastic Optimization",
    ]
    # record 1 spans lines 2-4 (quoted newlines), line 6 is blank
    assert lines_of(papers) == [2, 5, 7]
    ln, drop, adam = papers
    assert (
        ln.abstract == "We normalise the summed inputs of a layer, which works well for recurrent networks."
    )
    assert ln.authors == ("Jimmy Lei Ba", "Jamie Ryan Kiros")
    assert drop.authors == ("Nitish Srivastava", "Geoffrey Hinton")
    assert adam.abstract == 'First-order gradient-based optimisation of "stochastic" objectives.'
    assert (ln.year, drop.year, adam.year) == (2016, 2014, 2015)
    assert all(p.sources[0].format == "csv" for p in papers)


def test_tsv_reader():
    (p,) = read(fx("papers.tsv"))
    assert p.title == "Gaussian Error Linear Units (GELUs)"
    assert p.abstract == "We propose the GELU activation."
    assert p.arxiv_id == "1606.08415"


def test_csv_with_crlf_line_endings(tmp_path):
    f = tmp_path / "win.csv"
    f.write_bytes(b'title,abstract\r\n"One","two\r\nlines"\r\nTwo,x\r\n')
    papers = read(f)
    assert [(p.title, p.sources[0].line) for p in papers] == [("One", 2), ("Two", 4)]
    assert papers[0].abstract == "two lines"


def test_csv_without_title_column_is_rejected(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("name,abstract\nfoo,bar\n")
    with pytest.raises(IngestError, match="title"):
        read(f)


# --------------------------------------------------------------------------- bibtex


def test_bibtex_reader_entries_lines_and_latex():
    papers = read(fx("refs.bib"))
    assert [p.id for p in papers] == ["he2016deep", "vaswani2017attention", "devlin2019bert"]
    assert lines_of(papers) == [4, 12, 18]
    resnet, att, bert = papers
    assert resnet.doi == "10.1109/cvpr.2016.90" and resnet.year == 2016
    assert resnet.authors == ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun")
    assert att.title == "Attention is All you Need"  # braces stripped
    assert att.arxiv_id is None and att.abstract == ""
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert (
        bert.abstract
        == "We introduce BERT, which obtains 80.5% on GLUE — a 7.7% absolute improvement & more."
    )
    assert bert.authors[-1] == "Kristina Schön"
    assert bert.arxiv_id == "1810.04805"
    assert bert.year is None


def test_bibtex_malformed_entry_reports_its_line(tmp_path):
    f = tmp_path / "bad.bib"
    f.write_text(
        "@article{ok1, title={First}, year=2020}\n"
        "\n"
        "@article{broken,\n"
        "  title = {Unclosed\n"
        "  year = 2021\n"
        "}\n"
        "@article{ok2, title={Second}}\n"
        "@article{notitle, year=2019}\n"
    )
    with pytest.raises(IngestError) as exc:
        read(f)
    assert str(exc.value).startswith(f"{f}:3:")
    seen: list[IngestError] = []
    papers = read(f, skip_bad=True, on_skip=seen.append)
    assert [p.title for p in papers] == ["First", "Second"]
    assert [e.line for e in seen] == [3, 8]
    assert "no title" in seen[1].message


# --------------------------------------------------------------------------- arxiv / openalex


def test_arxiv_snapshot_reader():
    papers = read(fx("arxiv.jsonl"))
    assert all(p.sources[0].format == "arxiv" for p in papers)
    bert, snap, old = papers
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.abstract == (
        "We introduce a new language representation model called BERT. "
        "It obtains new state-of-the-art results on eleven tasks."
    )
    assert bert.year == 2018  # first version, not update_date
    assert bert.url == "https://arxiv.org/abs/1810.04805"
    assert bert.arxiv_id == bert.id == "1810.04805"
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang")  # from authors_parsed
    assert snap.categories == ("cs.CV", "cs.LG")  # MSC/ACM classes dropped
    assert snap.authors == ("Ada Lovelace", "Alan Turing")
    assert snap.doi == "10.1000/xyz.123"
    assert snap.year == 2023  # from the identifier when there are no versions
    assert old.arxiv_id == "math/0406594" and old.year == 2004
    assert old.url == "https://arxiv.org/abs/math/0406594"


def test_arxiv_year_falls_back_to_update_date(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"id": "odd-id", "title": "T", "abstract": "A", "update_date": "2011-01-02"}))
    (p,) = read(f, format="arxiv")
    assert p.year == 2011


def test_rebuild_abstract_orders_by_position():
    index = {"the": [0, 4], "cat": [1], "sat": [2], "on": [3], "mat.": [5]}
    assert rebuild_abstract(index) == "the cat sat on the mat."
    assert rebuild_abstract(None) == ""


def test_openalex_jsonl_reader():
    resnet, att = read(fx("openalex.jsonl"))
    assert resnet.id == "W2194775991"
    assert resnet.abstract == "Deeper neural networks are more difficult to train; networks residual help."
    assert resnet.doi == "10.1109/cvpr.2016.90"
    assert resnet.url == "https://doi.org/10.1109/cvpr.2016.90"
    assert resnet.authors == ("Kaiming He", "Jian Sun")
    assert resnet.year == 2016
    assert att.title == "Attention Is All You Need"  # from display_name
    assert att.abstract == ""
    assert att.arxiv_id == "1706.03762"  # from the landing page URL
    assert att.url == "https://arxiv.org/abs/1706.03762"


def test_openalex_api_page_with_record_lines():
    first, second = read(fx("openalex_page.json"))
    assert lines_of([first, second]) == [4, 11]
    assert first.title == "First & Foremost"
    assert (first.abstract, first.year, first.authors) == ("Hello world", 2020, ("A. Author",))
    assert second.year == 2021
    assert second.arxiv_id == "2103.14030"  # from the arXiv DOI


def test_openalex_json_array(tmp_path):
    f = tmp_path / "works.json"
    f.write_text(
        json.dumps([{"id": "https://openalex.org/W9", "display_name": "Nine", "publication_year": 1999}])
    )
    assert detect_format(f) == "openalex"
    (p,) = read(f)
    assert (p.id, p.title, p.year) == ("W9", "Nine", 1999)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("listing.txt", "hf-listing"),
        ("papers.jsonl", "jsonl"),
        ("records_array.json", "jsonl"),
        ("papers.csv", "csv"),
        ("papers.tsv", "csv"),
        ("refs.bib", "bibtex"),
        ("arxiv.jsonl", "arxiv"),
        ("openalex.jsonl", "openalex"),
        ("openalex_page.json", "openalex"),
    ],
)
def test_detect_format_of_fixtures(name, fmt):
    assert detect_format(fx(name)) == fmt
    assert fmt in FORMATS


def test_detect_format_sniffs_content(tmp_path):
    bib = tmp_path / "refs.data"
    bib.write_text("% refs\n@article{k, title={X}}\n")
    assert detect_format(bib) == "bibtex"
    js = tmp_path / "dump.txt"
    js.write_text('{"title": "X", "abstract_inverted_index": {"a": [0]}}\n')
    assert detect_format(js) == "openalex"
    junk = tmp_path / "blob.xyz"
    junk.write_text("just some words\n")
    with pytest.raises(IngestError, match="unknown format"):
        detect_format(junk)
    with pytest.raises(IngestError, match="no such file"):
        detect_format(tmp_path / "missing.jsonl")


def test_format_override_and_unknown_format(tmp_path):
    f = tmp_path / "records.txt"
    f.write_text('{"title": "Forced", "abstract": "As JSON Lines."}\n')
    (p,) = read(f, format="jsonl")
    assert p.sources == (SourceRef(str(f), 1, "jsonl"),)
    with pytest.raises(IngestError, match="unknown format"):
        read(f, format="word")


def test_directory_and_gzip_inputs(tmp_path):
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"title": "Zipped", "abstract": "z"}\n'))
    (tmp_path / "a.csv").write_text("title,abstract\nPlain,p\n")
    (tmp_path / "notes.log").write_text("ignored")
    papers = read(tmp_path)
    assert [p.title for p in papers] == ["Plain", "Zipped"]
    assert papers[1].sources[0].line == 1


# --------------------------------------------------------------------------- errors


def test_malformed_json_line_names_file_and_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"title": "One"}\n{"title": "Two"}\n{"title": "Three",\n{"title": "Four"}\n')
    with pytest.raises(IngestError) as exc:
        read(f)
    assert str(exc.value).startswith(f"{f}:3:")
    assert exc.value.path == str(f) and exc.value.line == 3
    assert "JSON" in exc.value.message


def test_missing_file_raises_even_with_skip_bad(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(IngestError) as exc:
        read(missing, skip_bad=True, on_skip=lambda e: None)
    assert exc.value.path == str(missing) and exc.value.line is None
    assert str(exc.value) == f"{missing}: no such file"


def test_undecodable_bytes_report_their_line(tmp_path):
    f = tmp_path / "latin.jsonl"
    f.write_bytes(b'{"title": "Fine"}\n{"title": "Caf\xe9 au lait"}\n{"title": "Also fine"}\n')
    with pytest.raises(IngestError) as exc:
        read(f)
    assert exc.value.line == 2 and "UTF-8" in exc.value.message
    seen: list[IngestError] = []
    assert [p.title for p in read(f, skip_bad=True, on_skip=seen.append)] == ["Fine", "Also fine"]
    assert [e.line for e in seen] == [2]


def test_undecodable_bytes_in_csv_listing_and_bibtex(tmp_path):
    csv_f = tmp_path / "x.csv"
    csv_f.write_bytes(b'title,abstract\nGood,ok\nBad,"multi\nline \xe9t\xe9"\nLast,ok\n')
    seen: list[IngestError] = []
    assert [p.title for p in read(csv_f, skip_bad=True, on_skip=seen.append)] == ["Good", "Last"]
    assert [e.line for e in seen] == [4]  # the byte's own line, inside the record of line 3

    txt = tmp_path / "page.txt"
    txt.write_bytes(
        b"Subscribe\n\nFirst Paper\nAn abstract in ASCII.\n\nSecond Paper\nAn abstract with \xff in it.\n"
    )
    with pytest.raises(IngestError) as exc:
        read(txt)
    assert exc.value.line == 7

    bib = tmp_path / "x.bib"
    bib.write_bytes(b"@misc{a, title={Ok}}\n@misc{b,\n  title={M\xfcller}}\n")
    seen = []
    assert [p.title for p in read(bib, skip_bad=True, on_skip=seen.append)] == ["Ok"]
    assert [e.line for e in seen] == [3]


def test_record_without_title(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"title": "Has one"}\n{"abstract": "orphan"}\n{"title": "  ", "text": "blank"}\n')
    with pytest.raises(IngestError, match="no title") as exc:
        read(f)
    assert exc.value.line == 2
    c = tmp_path / "x.csv"
    c.write_text('title,abstract\n,"no title\nhere"\nGood,yes\n')
    with pytest.raises(IngestError, match="no title") as exc:
        read(c)
    assert exc.value.line == 2


def test_skip_bad_calls_on_skip_for_each_bad_record(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text(
        '{"title": "A"}\nnot json\n["a list"]\n{"abstract": "no title"}\n{"title": "B", "abstract": ""}\n'
    )
    seen: list[IngestError] = []
    papers = read(f, skip_bad=True, on_skip=seen.append)
    assert [p.title for p in papers] == ["A", "B"]
    assert papers[1].abstract == ""  # empty abstract kept
    assert [e.line for e in seen] == [2, 3, 4]
    assert all(isinstance(e, IngestError) and e.path == str(f) for e in seen)
    # without a callback the bad records are skipped silently
    assert len(read(f, skip_bad=True)) == 2


def test_undecodable_bytes_in_json_document(tmp_path):
    f = tmp_path / "arr.json"
    f.write_bytes(b'[\n  {"title": "Ok"},\n  {"title": "Bad \xe9"},\n  {"title": "Ok too"}\n]\n')
    seen: list[IngestError] = []
    assert [p.title for p in read(f, skip_bad=True, on_skip=seen.append)] == ["Ok", "Ok too"]
    assert [e.line for e in seen] == [3]


def test_malformed_json_document_raises_with_line(tmp_path):
    f = tmp_path / "page.json"
    f.write_text('{"results": [\n  {"title": "a"},\n  {"title": "b",,}\n]}\n')
    with pytest.raises(IngestError) as exc:
        read(f)
    assert exc.value.line == 3


# --------------------------------------------------------------------------- streaming


def test_jsonl_is_streamed_lazily(tmp_path):
    f = tmp_path / "lazy.jsonl"
    f.write_text('{"title": "First"}\n{broken\n')
    it = read_sources([f])
    assert next(it).title == "First"  # the bad line 2 has not been read yet
    with pytest.raises(IngestError):
        next(it)


def _peak_memory_reading(path: Path, n: int) -> int:
    abstract = "word " * 1000
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"Paper {i}", "abstract": abstract}) + "\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_sources([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    return peak


def test_jsonl_reading_uses_bounded_memory(tmp_path):
    small = _peak_memory_reading(tmp_path / "small.jsonl", 150)
    big = _peak_memory_reading(tmp_path / "big.jsonl", 1200)  # ~6 MB
    # peak memory does not grow with the number of lines
    assert big < small * 1.5 + 256 * 1024, (small, big)
    assert big < (tmp_path / "big.jsonl").stat().st_size / 8


# --------------------------------------------------------------------------- dedupe


def test_dedupe_merges_across_files_and_formats():
    files = [fx("papers.jsonl"), fx("refs.bib"), fx("openalex.jsonl"), fx("arxiv.jsonl")]
    papers = list(read_sources(files))
    merged = dedupe(papers)
    byt = {p.title.lower(): p for p in merged}
    assert len(merged) == len(byt)

    resnet = byt["deep residual learning for image recognition"]
    assert {s.format for s in resnet.sources} == {"jsonl", "bibtex", "openalex"}
    assert resnet.sources[0] == SourceRef(fx("papers.jsonl"), 2, "jsonl")  # first seen first
    assert resnet.url == "https://example.org/resnet"  # kept from the first record
    assert resnet.id == "p2"

    # jsonl has the arXiv id, bibtex only the title, openalex the arXiv landing page
    att = byt["attention is all you need"]
    assert [(s.format, s.line) for s in att.sources] == [("jsonl", 1), ("bibtex", 12), ("openalex", 2)]
    assert att.arxiv_id == "1706.03762"
    assert att.url == "https://arxiv.org/abs/1706.03762"  # filled from openalex

    # bibtex (no year, short abstract) + arxiv snapshot (year, longer abstract)
    bert = byt["bert: pre-training of deep bidirectional transformers for language understanding"]
    assert [s.format for s in bert.sources] == ["bibtex", "arxiv"]
    assert bert.year == 2018
    assert bert.abstract.startswith("We introduce a new language representation model")
    assert sum(len(p.sources) for p in merged) == len(papers)


def test_dedupe_respects_conflicting_ids_and_bridges():
    a = Paper("Same Title", doi="10.1/a", sources=(SourceRef("f", 1),))
    b = Paper("Same title!", doi="10.1/B", sources=(SourceRef("f", 2),))
    c = Paper("same title", sources=(SourceRef("f", 3),), year=2020)
    out = dedupe([a, b, c])
    assert [p.doi for p in out] == ["10.1/a", "10.1/B"]  # different DOIs stay apart
    assert out[0].year == 2020 and len(out[0].sources) == 2  # title-only joins the first

    x = Paper("Alpha", arxiv_id="2101.00001", sources=(SourceRef("g", 1),))
    y = Paper("Beta", doi="10.2/beta", sources=(SourceRef("g", 2),))
    bridge = Paper("Gamma", doi="10.2/beta", arxiv_id="arXiv:2101.00001v3", sources=(SourceRef("g", 3),))
    (merged,) = dedupe([x, y, bridge])
    assert merged.title == "Alpha"
    assert (merged.doi, merged.arxiv_id) == ("10.2/beta", "2101.00001")
    assert [s.line for s in merged.sources] == [1, 3, 2]

    # a record found by DOI under a variant title makes that title find the group too
    d1 = Paper("Deep Nets", doi="10.3/x", sources=(SourceRef("k", 1),))
    d2 = Paper("Deep Nets, Extended Version", doi="10.3/X", sources=(SourceRef("k", 2),))
    d3 = Paper("Deep nets: extended version", sources=(SourceRef("k", 3),))
    assert [len(m.sources) for m in dedupe([d1, d2, d3])] == [3]

    p = Paper("P", arxiv_id="2101.00002", sources=(SourceRef("h", 1),))
    q = Paper("P", arxiv_id="2101.00003", sources=(SourceRef("h", 2),))
    assert len(dedupe([p, q])) == 2  # same title, conflicting arXiv ids


def test_dedupe_keeps_sources_once_and_order():
    ref = SourceRef("f", 1, "jsonl")
    a = Paper("Alpha", sources=(ref,))
    b = Paper("Beta", sources=(SourceRef("f", 2, "jsonl"),))
    out = dedupe([a, b, a])
    assert [p.title for p in out] == ["Alpha", "Beta"]
    assert out[0].sources == (ref,)
