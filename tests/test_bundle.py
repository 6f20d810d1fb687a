"""Tests of the committed bundle: provenance complete and true, identical to a fresh build, built atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from upward.bundle import DATA_DIR, PROVENANCE_FILE, build
from upward.errors import SourceFormatError, UpwardError

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHA256SUMS = SHARED_DATA / "SHA256SUMS"
PROVENANCE_MD = SHARED_DATA / "PROVENANCE.md"
needs_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"official files not found under {SHARED_DATA} (the shared raw-data folder is absent)"
)

# The words PROVENANCE.md requires for O*NET 29.3, and the MIT Living Wage citation, written out here.
ONET_ATTRIBUTION = (
    "This product includes information from the O*NET 29.3 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)
MIT_CITATION = (
    "Living Wage Calculator, Massachusetts Institute of Technology (Amy K. Glasmeier), livingwage.mit.edu. "
    "© MIT. Used for non-commercial research; MIT asks for a data license for commercial use."
)
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture(scope="module")
def prov() -> dict:
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(prov) -> dict[str, dict]:
    return prov["files"]


# ---------------------------------------------------------------------------------------------
# the committed bundle, fast


def test_provenance_lists_exactly_the_files_present(prov, records):
    assert prov["bundle_schema"] == build.BUNDLE_SCHEMA
    present = sorted(p.name for p in DATA_DIR.iterdir())
    licenses = sorted(lic["file"].removeprefix("data/") for r in records.values() for lic in r.get("licenses", []))
    assert sorted([f"{name}.parquet" for name in records] + licenses) == present
    assert {name: r["file"] for name, r in records.items()} == {name: f"data/{name}.parquet" for name in records}
    assert sorted(records) == sorted(e.name for e in build.ENTRIES)
    assert len(records) == 58


def test_licences_travel_with_the_ai_exposure_data(records):
    """MIT asks for its notice in every copy, CC BY for its terms: both sit beside the parquet."""
    gpts = records["ai_exposure_gpts"]["licenses"]
    assert [lic["file"] for lic in gpts] == ["data/ai_exposure_gpts.LICENSE"]
    assert "Copyright (c) 2024 OpenAI" in (DATA_DIR / "ai_exposure_gpts.LICENSE").read_text(encoding="utf-8")
    wwai = [lic["file"] for lic in records["ai_exposure_working_with_ai"]["licenses"]]
    assert wwai == ["data/ai_exposure_working_with_ai.LICENSE.txt", "data/ai_exposure_working_with_ai.NOTICE.md"]
    assert "CC BY 4.0" in (DATA_DIR / "ai_exposure_working_with_ai.LICENSE.txt").read_text(encoding="utf-8")


def test_every_record_names_its_source_license_and_inputs(records):
    for name, r in records.items():
        src = r["source"]
        for key in ("title", "publisher", "release", "license", "attribution"):
            assert isinstance(src.get(key), str) and src[key].strip(), f"{name}: source.{key}"
        assert r["description"].strip(), name
        assert r["inputs"], f"{name}: no inputs"
        for inp in r["inputs"]:
            assert HEX64.fullmatch(inp["sha256"]), f"{name}: {inp}"
            assert inp["path"] and not inp["path"].startswith(("/", "./")), f"{name}: {inp}"
        assert len({i["path"] for i in r["inputs"]}) == len(r["inputs"]), name


def test_oews_records_hold_every_bundled_release(records):
    oews = {n: r for n, r in records.items() if n.startswith("oews_")}
    assert sorted(oews) == ["oews_areas_by_release", "oews_footnotes_by_release", "oews_industries", "oews_industry_staffing",
                            "oews_occupations_by_release", "oews_wages_by_release"]
    current = {"path": "oews/oews-2025.sqlite.gz", "sha256": "3966d23d97176509ecbbcac23d7db0f3fd0c4c566a8f169fcb2f8ee543e9e99c"}
    for name, r in oews.items():
        assert r["source"]["publisher"] == "U.S. Bureau of Labor Statistics"
        if name in ("oews_industries", "oews_industry_staffing"):  # the industry tables come from the time-series release only
            assert r["inputs"] == [current]
        else:
            assert [i["path"] for i in r["inputs"]] == [
                "oews/oews-2025.sqlite.gz", "oews/previous/national_M2024_dl.xlsx", "oews/previous/national_M2023_dl.xlsx"]
            assert r["columns"][0] == "release"


def test_release_records_name_period_publication_and_inputs():
    df = pd.read_parquet(DATA_DIR / "releases.parquet")
    got = {(r.source, r.release): (r.period, r.published, r.origin) for r in df.itertuples()}
    assert got == {
        ("bls_oews", "2025"): ("May 2025", "2026-05-15", "bundle"),
        ("bls_oews", "2024"): ("May 2024", "2025-04-02", "bundle"),
        ("bls_oews", "2023"): ("May 2023", "2024-04-03", "bundle"),
        ("bls_projections", "2024-34"): ("2024–34", "2025-08-28", "bundle"),
        ("bls_projections", "2022-32"): ("2022–32", "2023-09-06", "bundle"),
    }
    sums = sha256sums() if SHA256SUMS.is_file() else {}
    for r in df.itertuples():
        for f in json.loads(r.files):
            assert HEX64.fullmatch(f["sha256"]) and (not sums or sums[f["path"]] == f["sha256"]), f
    wages = pd.read_parquet(DATA_DIR / "oews_wages_by_release.parquet", columns=["release", "area_code"])
    assert wages.groupby("release").area_code.nunique().to_dict() == {"2023": 1, "2024": 1, "2025": 583}


def sha256sums() -> dict[str, str]:
    sums = {}
    for line in SHA256SUMS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip().removeprefix("./")] = digest
    return sums


@pytest.mark.skipif(not SHA256SUMS.is_file(), reason=f"{SHA256SUMS} not found (the shared raw-data folder is absent)")
def test_input_checksums_match_the_official_sha256sums(records):
    sums = sha256sums()
    checked = set()
    for name, r in records.items():
        for inp in r["inputs"]:
            assert inp["path"] in sums, f"{name}: {inp['path']} is not in SHA256SUMS"
            assert inp["sha256"] == sums[inp["path"]], f"{name}: {inp['path']}"
            checked.add(inp["path"])
    assert checked == {f for e in build.ENTRIES for f in e.inputs}
    assert len(checked) == 65  # every distinct official file the bundle reads


def test_row_counts_and_columns_match_the_parquet_files(records):
    for name, r in records.items():
        meta = pq.ParquetFile(DATA_DIR / f"{name}.parquet")
        assert meta.metadata.num_rows == r["rows"], name
        assert meta.schema_arrow.names == r["columns"], name
        assert r["rows"] > 0, name
    # May 2025 (every area) and the national May 2024 and May 2023 workbooks (1,396 occupations each)
    assert records["oews_wages_by_release"]["rows"] == 236_799 + 2 * 1_396
    assert records["oews_industry_staffing"]["rows"] == 133_373
    assert records["oews_areas_by_release"]["rows"] == 583 + 2
    assert records["oews_occupations_by_release"]["rows"] == 1_104 + 2 * 1_396
    assert records["projections_by_release"]["rows"] == 2 * 1_113


def test_onet_records_carry_the_cc_by_attribution(records):
    """Each O*NET record carries the attribution of the release it reads (29.3, or 30 for the
    related occupations and the hazardous-conditions export)."""
    onet = {n: r for n, r in records.items() if n.startswith("onet_")}
    assert len(onet) == 17
    for name, r in onet.items():
        only_30 = all(i["path"].startswith(("onet/30/", "job_quality/onet_")) for i in r["inputs"])
        assert r["source"]["attribution"].startswith(ONET_ATTRIBUTION.replace("29.3", "30") if only_30 else ONET_ATTRIBUTION), name
        assert "CC BY 4.0" in r["source"]["license"], name


@pytest.mark.skipif(not PROVENANCE_MD.is_file(), reason=f"{PROVENANCE_MD} not found")
def test_onet_attribution_is_the_one_provenance_md_requires():
    text = PROVENANCE_MD.read_text(encoding="utf-8")
    required = re.search(r'Required attribution: "(This product includes information from the O\*NET 29\.3[^"]+)"', text)
    assert required is not None
    assert required.group(1) == ONET_ATTRIBUTION


# Every record built from the O*NET 30 graph export credits O*NET 30 and the export's CC BY-SA 4.0.
def test_records_built_from_onet_30_attribute_it(records):
    from_30 = {n: r for n, r in records.items() if any(i["path"].startswith("onet/30/") for i in r["inputs"])}
    assert sorted(from_30) == ["onet_descriptors", "onet_related_occupations"]
    for name, r in from_30.items():
        shown = json.dumps(r["source"], ensure_ascii=False)
        assert "O*NET 30" in shown and "CC BY-SA 4.0" in shown, name


def test_living_wage_record_carries_the_mit_citation(records):
    mit = records["living_wage_county"]
    assert mit["source"]["attribution"] == MIT_CITATION
    assert mit["source"]["publisher"] == "Massachusetts Institute of Technology (Amy K. Glasmeier)"
    assert "commercial" in mit["source"]["license"]
    assert mit["inputs"] == [
        {"path": "living_wage/mit-living-wage-2022.csv", "sha256": "bfe474ef8409d323270c1affb3521d73b71cee9e5c1f249a4caac0d10775b46e"}
    ]


def test_public_domain_sources_say_so(records):
    for name, r in records.items():
        if r["source"]["publisher"].startswith(("U.S. Bureau", "National Center for Education")):
            assert r["source"]["license"] == "Public domain (U.S. government work)", name


# ---------------------------------------------------------------------------------------------
# the committed bundle equals a fresh build from the official files (about 25 s)


@needs_data
@pytest.mark.slow
def test_committed_bundle_is_identical_to_a_fresh_build():
    assert build.verify(SHARED_DATA) == []


# ---------------------------------------------------------------------------------------------
# write_bundle: a failed build leaves nothing behind


def test_write_bundle_without_an_input_fails_and_writes_nothing(tmp_path):
    data = tmp_path / "official"
    inputs = sorted({f for e in build.ENTRIES for f in (*e.inputs, *e.licenses)})
    absent = "living_wage/mit-living-wage-2022.csv"
    assert absent in inputs
    for rel in inputs:
        if rel != absent:
            (data / rel).parent.mkdir(parents=True, exist_ok=True)
            (data / rel).write_bytes(b"")
    out = tmp_path / "bundle"
    with pytest.raises(UpwardError) as exc:
        build.write_bundle(data, out)
    assert f"{data} lacks 1 input file(s): {absent}" in exc.value.message
    assert exc.value.hint and "--data-dir" in exc.value.hint
    assert list(out.iterdir()) == []


def test_write_bundle_with_an_empty_data_dir_names_the_missing_files(tmp_path):
    out = tmp_path / "bundle"
    with pytest.raises(UpwardError) as exc:
        build.write_bundle(tmp_path / "nothing-here", out)
    needed = sorted({f for e in build.ENTRIES for f in (*e.inputs, *e.licenses)})  # licences travel with their data
    assert f"lacks {len(needed)} input file(s): ai_exposure/gpts_are_gpts/LICENSE, ai_exposure/gpts_are_gpts/occ_level.csv" in exc.value.message
    assert list(out.iterdir()) == []


def fake_entries(fail_second: bool) -> tuple[build.Entry, ...]:
    def good(inp: build.Inputs) -> pd.DataFrame:
        return pd.DataFrame({"code": ["a", "b", "c"], "value": [1.0, 2.0, 3.0]})

    def bad(inp: build.Inputs) -> pd.DataFrame:
        raise SourceFormatError(inp / "two.csv", "expected a number, got 'x'", field="value", row=2)

    return (
        build.Entry("first", "bls_oews", ("one.csv",), good, "first table"),
        build.Entry("second", "bls_oews", ("two.csv",), bad if fail_second else good, "second table"),
    )


def existing_bundle(out: Path) -> dict[str, bytes]:
    (out / "data").mkdir(parents=True)
    (out / "data" / "old.parquet").write_bytes(b"old table")
    (out / "provenance.json").write_text('{"bundle_schema": 1, "files": {}}\n')
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_write_bundle_failing_midway_keeps_the_previous_bundle(tmp_path, monkeypatch):
    data = tmp_path / "official"
    data.mkdir()
    (data / "one.csv").write_text("one\n")
    (data / "two.csv").write_text("two\n")
    monkeypatch.setattr(build, "ENTRIES", fake_entries(fail_second=True))
    out = tmp_path / "bundle"
    before = existing_bundle(out)
    with pytest.raises(SourceFormatError, match="two.csv, row 2, field 'value'"):
        build.write_bundle(data, out)
    after = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == ["data", "provenance.json"]


def test_write_bundle_replaces_the_previous_bundle_whole(tmp_path, monkeypatch):
    data = tmp_path / "official"
    data.mkdir()
    (data / "one.csv").write_text("one\n")
    (data / "two.csv").write_text("two\n")
    monkeypatch.setattr(build, "ENTRIES", fake_entries(fail_second=False))
    out = tmp_path / "bundle"
    existing_bundle(out)
    prov = build.write_bundle(data, out)
    assert sorted(p.name for p in out.iterdir()) == ["data", "provenance.json"]
    assert sorted(p.name for p in (out / "data").iterdir()) == ["first.parquet", "second.parquet"]
    assert json.loads((out / "provenance.json").read_text(encoding="utf-8")) == prov
    first = prov["files"]["first"]
    assert first["rows"] == 3 and first["columns"] == ["code", "value"] and first["file"] == "data/first.parquet"
    assert first["inputs"] == [
        {"path": "one.csv", "sha256": "2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806"}
    ]
    assert pq.read_table(out / "data" / "first.parquet").to_pydict() == {"code": ["a", "b", "c"], "value": [1.0, 2.0, 3.0]}
    assert build.verify(data, out) == []


def test_verify_reports_every_kind_of_difference(tmp_path, monkeypatch):
    data = tmp_path / "official"
    data.mkdir()
    (data / "one.csv").write_text("one\n")
    (data / "two.csv").write_text("two\n")
    monkeypatch.setattr(build, "ENTRIES", fake_entries(fail_second=False))
    out = tmp_path / "bundle"
    build.write_bundle(data, out)
    assert build.verify(data, out) == []

    pq.write_table(build.to_arrow(pd.DataFrame({"code": ["a", "b", "c"], "value": [1.0, 2.0, 3.5]})), out / "data" / "first.parquet")
    (out / "data" / "second.parquet").unlink()
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    prov["files"]["second"]["rows"] = 4
    prov["files"]["dropped"] = {"file": "data/dropped.parquet"}
    (out / "provenance.json").write_text(json.dumps(prov), encoding="utf-8")
    (data / "one.csv").write_text("one, changed\n")
    assert build.verify(data, out) == [
        "first: provenance record differs",
        "first: table content differs",
        "second: provenance record differs",
        "second: parquet missing",
        "dropped: in the committed bundle but no longer built",
    ]
