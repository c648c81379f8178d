"""Verdicts as data: data/verdicts.csv and data/claimreview.json are what the record says, and
every ClaimReview object passes a JSON Schema written from schema.org and Google's profile.

`problems` is the validation: the schema, then what a schema cannot say (the verdict is the one
in data/results, one review per registered claim, the rating inside its scale). It reads the
record itself (results, registry, claims page anchors), not claimcheck.export, so a bug in the
export cannot agree with itself. The mutation tests show that it fails, and how."""

import copy
import json
import re
import shutil
from collections import Counter

import pytest
from jsonschema import Draft202012Validator

from claimcheck import export
from claimcheck.load import load_claims, load_table
from claimcheck.pages import CLAIMS_PAGE, anchors
from claimcheck.paths import DATA, ROOT
from claimcheck.results import load_parts, read_results
from claimcheck.tables import no_maths
from claimcheck.verdict import COMBINED, CONTRADICTS, DEFINITIONS, SEVERITY, SUPPORTS

SCHEMA = json.loads(
    (ROOT / "tests" / "schemas" / "claimreview.schema.json").read_text(encoding="utf-8")
)
REVIEWS = json.loads((DATA / "claimreview.json").read_text(encoding="utf-8"))
CODEBOOK = (DATA / "README.md").read_text(encoding="utf-8")


def problems(reviews, root=DATA) -> list[str]:
    """Every way `reviews` breaks the schema or disagrees with the record, one message each."""
    errors = sorted(
        Draft202012Validator(SCHEMA).iter_errors(reviews),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    out = [
        f"{'/'.join(map(str, e.absolute_path)) or 'the list'}: "
        + (
            "has non-unique elements (a review appears twice)"
            if e.validator == "uniqueItems"
            else e.message
        )
        for e in errors
    ]
    claims = load_claims(root)
    results = read_results(root)
    verdicts = results[results["part"] == ""]["verdict"]
    by_url = {
        f"notebooks/README.md#{anchor}": claim_id for claim_id, anchor in anchors(claims).items()
    }
    count = Counter()
    for i, review in enumerate(reviews if isinstance(reviews, list) else []):
        if not isinstance(review, dict):
            continue
        claim_id = by_url.get(review.get("url"))
        if claim_id is None:
            out.append(f"{i}: url {review.get('url')!r} is no claim's section of the claims page")
            continue
        count[claim_id] += 1
        rating = review.get("reviewRating") or {}
        said, record = rating.get("alternateName"), verdicts.get(claim_id)
        if said != record:
            out.append(
                f"{i}: the review of {claim_id} says {said!r}, data/results says {record!r}"
            )
        short = review.get("claimReviewed")
        if short is not None and short != claims.loc[claim_id, "claim_short"]:
            out.append(
                f"{i}: claimReviewed {short!r} is not the registry's short form of {claim_id}"
            )
        if short is not None:
            words = [w for w in DEFINITIONS if re.search(rf"\b{w}\b", short, flags=re.I)]
            if words:
                out.append(f"{i}: claimReviewed {short!r} contains a verdict word {words}")
        if "ratingValue" in rating and not (
            rating.get("worstRating", 0) <= rating["ratingValue"] <= rating.get("bestRating", -1)
        ):
            out.append(
                f"{i}: ratingValue {rating['ratingValue']} is outside "
                f"{rating.get('worstRating')}..{rating.get('bestRating')}"
            )
        if "ratingValue" in rating and not rating.get("worstRating", 0) < rating.get(
            "bestRating", 0
        ):
            out.append(f"{i}: worstRating is not below bestRating")
    for claim_id in claims.index:
        if count[claim_id] != 1:
            out.append(f"{claim_id} has {count[claim_id]} reviews (exactly one expected)")
    return out


def test_the_schema_is_a_valid_json_schema_that_cites_its_sources():
    Draft202012Validator.check_schema(SCHEMA)
    for page in (
        "developers.google.com/search/docs/appearance/structured-data/factcheck",
        "schema.org/ClaimReview",
    ):
        assert page in SCHEMA["description"]


def test_every_review_passes_the_schema_and_agrees_with_the_record():
    assert problems(REVIEWS) == []


def test_the_files_are_what_the_export_makes_and_regenerate_byte_for_byte():
    files = export.export_files()
    assert set(files) == {DATA / "verdicts.csv", DATA / "claimreview.json"}
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python -m claimcheck.ledger`"
        )
        assert text.endswith("\n") and not text.endswith("\n\n")
    assert export.export_files() == files  # no clock, no randomness
    assert json.loads(files[DATA / "claimreview.json"]) == export.claimreview()
    text = files[DATA / "claimreview.json"]
    assert text == json.dumps(REVIEWS, indent=2, ensure_ascii=False) + "\n" and "\\u" not in text


# The three mutations the validation must catch, each on a copy of the generated file.


def test_a_missing_claim_reviewed_fails():
    mutated = copy.deepcopy(REVIEWS)
    del mutated[0]["claimReviewed"]
    found = problems(mutated)
    assert "0: 'claimReviewed' is a required property" in found, found


def test_a_mismatched_verdict_fails():
    mutated = copy.deepcopy(REVIEWS)
    i = next(i for i, r in enumerate(mutated) if r["reviewRating"]["alternateName"] == "holds")
    claim_id = load_claims().index[i]  # the reviews are in the registry's order
    mutated[i]["reviewRating"]["alternateName"] = "wrong"
    found = problems(mutated)
    assert f"{i}: the review of {claim_id} says 'wrong', data/results says 'holds'" in found, found


def test_a_duplicate_review_fails():
    mutated = copy.deepcopy(REVIEWS)
    mutated.append(copy.deepcopy(mutated[0]))
    claim_id = load_claims().index[0]
    found = problems(mutated)
    assert found[0] == "the list: has non-unique elements (a review appears twice)", found
    assert f"{claim_id} has 2 reviews (exactly one expected)" in found, found
    # a second review that differs (another date) is no copy, and is still one review too many
    mutated[-1]["datePublished"] = "2027-01-01"
    found = problems(mutated)
    assert found == [f"{claim_id} has 2 reviews (exactly one expected)"], found


def test_a_missing_review_and_a_stray_field_fail():
    mutated = copy.deepcopy(REVIEWS)
    gone = mutated.pop()
    mutated[0]["reviewRating"]["ratingValue"] = 99
    mutated[1]["claimReview"] = mutated[1].pop("claimReviewed")  # a typo'd field name
    found = problems(mutated)
    last = load_claims().index[-1]
    assert gone["url"].endswith(anchors(load_claims())[last])
    assert f"{last} has 0 reviews (exactly one expected)" in found, found
    assert any(m.startswith("0: ratingValue 99 is outside") for m in found), found
    assert "1: 'claimReviewed' is a required property" in found, found
    assert any(
        m.startswith("1: Additional properties are not allowed ('claimReview'") for m in found
    ), found


def test_every_registered_claim_has_exactly_one_review():
    claims = load_claims()
    urls = Counter(r["url"] for r in REVIEWS)
    assert sorted(urls) == sorted(f"notebooks/README.md#{a}" for a in anchors(claims).values())
    assert set(urls.values()) == {1}
    assert [r["claimReviewed"] for r in REVIEWS] == list(claims["claim_short"])  # registry order


def test_each_alternate_name_is_the_verdict_in_the_results_files():
    results = read_results()
    verdicts = dict(results[results["part"] == ""]["verdict"])
    shorts = dict(zip(load_claims()["claim_short"], load_claims().index, strict=True))
    for review in REVIEWS:
        assert review["reviewRating"]["alternateName"] == verdicts[shorts[review["claimReviewed"]]]


# The rating scale: derived from the verdict rule's ordering, documented in the codebook.


def test_the_rating_scale_follows_the_verdict_rule():
    scale = export.rating_scale()
    worst, best = export.scale_bounds()
    assert (worst, best) == (1, len(set(scale.values())))
    assert scale["holds"] == best and scale["wrong"] == worst
    for a in SEVERITY:
        for b in SEVERITY:
            if SEVERITY[a] < SEVERITY[b]:
                assert scale[a] > scale[b], f"{a} should rate above {b}"
            elif SEVERITY[a] == SEVERITY[b]:
                assert scale[a] == scale[b]
    for word in (
        COMBINED
    ):  # mixed: below every verdict that supports the point, above every one against it
        assert all(scale[s] > scale[word] for s in SUPPORTS)
        assert all(scale[c] < scale[word] for c in CONTRADICTS)
    assert set(scale) | set(export.OFF_SCALE) == set(DEFINITIONS) and not set(scale) & set(
        export.OFF_SCALE
    )


def test_off_scale_verdicts_carry_no_number_and_the_others_do():
    scale = export.rating_scale()
    for review in REVIEWS:
        rating = review["reviewRating"]
        if rating["alternateName"] in export.OFF_SCALE:
            assert not {"ratingValue", "bestRating", "worstRating"} & set(rating)
        else:
            assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (
                scale[rating["alternateName"]],
                *export.scale_bounds(),
            )


def test_the_codebook_shows_the_scale_and_both_files():
    assert export.scale_markdown() in CODEBOOK
    for name in ("verdicts.csv", "claimreview.json"):
        assert f"## `{name}`" in CODEBOOK
    for column in export.COLUMNS:
        assert re.search(rf"^\| [^|]*\b{column}\b", CODEBOOK, flags=re.M), (
            f"the codebook does not explain {column}"
        )


# Who, when, where: from the record, or left out.


def test_the_claims_authors_dates_and_appearances_come_from_articles_csv():
    articles = load_table("articles.csv").set_index("article")
    claims = load_claims()
    shorts = dict(zip(claims["claim_short"], claims.index, strict=True))
    for review in REVIEWS:
        entry = claims.loc[shorts[review["claimReviewed"]]]
        item = review["itemReviewed"]
        ids = ["A", "B"] if entry["article"] == "A+B" else [entry["article"]]
        urls = [u for u in (articles.loc[a, "url"] for a in ids) if isinstance(u, str)]
        shown = item.get("appearance", [])
        shown = shown if isinstance(shown, list) else [shown]
        assert [s["url"] for s in shown] == urls  # article A's address is unknown: no appearance
        assert item["datePublished"] == min(articles.loc[a, "date"] for a in ids)
        authors = item["author"] if isinstance(item["author"], list) else [item["author"]]
        assert len(authors) == len(ids)
        for a, author in zip(ids, authors, strict=True):
            named = articles.loc[a, "author"]
            if (
                named == "not named"
            ):  # the outlet, as an organisation, by the name the outlet cell quotes
                assert (
                    author["@type"] == "Organization"
                    and f'"{author["name"]}"' in articles.loc[a, "outlet"]
                )
            else:
                assert author["@type"] == "Person" and named.startswith(author["name"])


def test_the_reviewer_is_the_maintainers_as_citation_cff_names_them():
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    names = {r["author"]["name"] for r in REVIEWS}
    assert len(names) == 1 and f'name: "{names.pop()}"' in citation
    assert {r["author"]["@type"] for r in REVIEWS} == {"Organization"}


def test_review_dates_are_when_the_verdict_was_last_set():
    """The latest correction of the claim's verdict, else the day the log began (when every claim
    then registered was re-judged); so a claim without an entry must be a first-version claim."""
    from test_data import V1_CLAIM_IDS

    log = load_table("corrections.csv")
    overall = log[log["part"].isna()]
    shorts = dict(zip(load_claims()["claim_short"], load_claims().index, strict=True))
    for review in REVIEWS:
        claim_id = shorts[review["claimReviewed"]]
        mine = overall[overall["claim_id"] == claim_id]
        if len(mine):
            assert review["datePublished"] == mine["date"].max().date().isoformat()
        else:
            assert claim_id in V1_CLAIM_IDS, f"{claim_id} was added without a corrections entry"
            assert review["datePublished"] == log["date"].min().date().isoformat()


@pytest.fixture
def root(tmp_path):
    for name in ("claims.csv", "claim_parts.csv", "corrections.csv", "articles.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    shutil.copytree(DATA / "results", tmp_path / "results")
    return tmp_path


def test_a_new_correction_moves_the_date_and_a_stale_log_is_refused(root):
    claim_id = "nvda_142_to_118"
    verdict = read_results(root).loc[claim_id].query("part == ''")["verdict"].iloc[0]
    before = {r["url"]: r for r in export.claimreview(root)}
    log = root / "corrections.csv"
    log.write_text(
        log.read_text(encoding="utf-8")
        + f"2027-02-03,{claim_id},,changed,wrong,{verdict},a re-check\n",
        encoding="utf-8",
    )
    after = {r["url"]: r for r in export.claimreview(root)}
    url = export.claim_links(load_claims(root))[claim_id]
    assert after[url]["datePublished"] == "2027-02-03" != before[url]["datePublished"]
    assert {u: r for u, r in after.items() if u != url} == {
        u: r for u, r in before.items() if u != url
    }
    log.write_text(
        log.read_text(encoding="utf-8")
        + f"2027-02-04,{claim_id},,changed,{verdict},wrong,a later re-check\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError, match=rf"last entry for {claim_id} says 'wrong', data/results says '{verdict}'"
    ):
        export.claimreview(root)


def test_a_pending_claim_has_a_pending_row_and_no_review(root):
    (root / "results" / "04_solar.csv").unlink()
    claims = load_claims(root)
    solar = set(claims.index[claims["notebook"] == "04_solar"])
    table = export.verdicts_table(root)
    pending = table[table["claim_id"].isin(solar)]
    assert set(pending["verdict"]) == {"pending"} and list(pending["part"]) == [""] * len(solar)
    reviewed = {r["claimReviewed"] for r in export.claimreview(root)}
    assert reviewed == set(claims.loc[sorted(set(claims.index) - solar), "claim_short"])


# The flat table.


def test_verdicts_csv_has_a_row_per_claim_and_part_with_the_results_words():
    table = load_table("verdicts.csv")
    claims, parts = load_claims(), load_parts()
    keys = list(zip(table["claim_id"], table["part"].fillna(""), strict=True))
    expected = []
    for claim_id in claims.index:
        expected += [(claim_id, "")] + [(c, p) for c, p in parts.index if c == claim_id]
    assert keys == expected
    results = read_results().reset_index().set_index(["claim_id", "part"])
    links = anchors(claims)
    for (claim_id, part), row in zip(keys, table.to_dict("records"), strict=True):
        result = results.loc[(claim_id, part)]
        for column in ("verdict", "reason", "sources", "conclusion", "found"):
            assert text(row[column]) == text(result[column]), (claim_id, part, column)
        assert row["claim_short"] == claims.loc[claim_id, "claim_short"]
        assert text(row["part_label"]) == (parts.loc[(claim_id, part), "label"] if part else "")
        assert text(row["quote"]) == (
            parts.loc[(claim_id, part), "quote"] if part else claims.loc[claim_id, "quote"]
        )
        assert row["link"] == f"notebooks/README.md#{links[claim_id]}"
    page = CLAIMS_PAGE.read_text(encoding="utf-8")
    for short in claims["claim_short"]:
        assert f"\n### {no_maths(short)}\n" in page  # the heading each link's anchor is made from


# Publishing: absolute urls on demand, data/ untouched.


def text(value) -> str:
    return value if isinstance(value, str) else ""


def test_base_url_makes_the_urls_absolute(tmp_path, capsys):
    base = "https://github.com/example/deepseek-check/blob/main"
    absolute = export.with_base_url(REVIEWS, base)
    assert [r["url"] for r in absolute] == [f"{base}/{r['url']}" for r in REVIEWS]
    assert [dict(r, url=None) for r in absolute] == [dict(r, url=None) for r in REVIEWS]
    assert list(Draft202012Validator(SCHEMA).iter_errors(absolute)) == []
    with pytest.raises(ValueError, match="absolute"):
        export.with_base_url(REVIEWS, "example.org/repo")
    with pytest.raises(SystemExit) as info:
        export.main(["--base-url", "example.org/repo"])
    assert info.value.code == 2 and "needs an absolute http(s) address" in capsys.readouterr().err
    before = (DATA / "claimreview.json").read_bytes()
    out = tmp_path / "claimreview.json"
    assert export.main(["--base-url", base + "/", "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == absolute
    assert (DATA / "claimreview.json").read_bytes() == before
