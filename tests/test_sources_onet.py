"""Tests of the O*NET reader: exact values from the official files, and clear failures on bad ones."""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from upward.bundle.sources import ONET_ATTRIBUTION, SOURCES
from upward.errors import SourceFormatError
from upward.sources import onet

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ONET29 = DATA / "onet" / "29.3"
ONET30 = DATA / "onet" / "30"
needs_data = pytest.mark.skipif(
    not (ONET29.is_dir() and ONET30.is_dir()),
    reason=f"official O*NET files not found under {DATA} (the shared raw-data folder is absent)",
)

TAB = "\t"


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(TAB.join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in [header, *rows]:
        ws.append(r)
    wb.save(path)
    return path


def assert_points_at(exc: pytest.ExceptionInfo, file: Path, row: int, field: str) -> None:
    err = exc.value
    assert Path(err.path).name == file.name
    assert err.row == row
    assert err.field == field
    assert str(err).startswith(f"{file.name}, row {row}, field '{field}'")


SKILLS_HEADER = [
    "O*NET-SOC Code", "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Data Value", "N",
    "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress", "Not Relevant", "Date",
    "Domain Source",
]
SKILLS_ROWS = [
    ["11-1011.00", "Chief Executives", "2.A.1.b", "Active Listening", "IM", "Importance", "4.00", "8", "0", "4", "4", "N", "", "08/2023", "Analyst"],
    ["11-1011.00", "Chief Executives", "2.A.1.a", "Reading Comprehension", "LV", "Level", "4.62", "8", "0.183", "4.2664", "4.9836", "Y", "N", "08/2023", "Analyst"],
    ["11-1011.00", "Chief Executives", "2.A.1.a", "Reading Comprehension", "IM", "Importance", "4.12", "", "", "", "", "", "", "08/2023", "Analyst"],
]
INTERESTS_HEADER = ["O*NET-SOC Code", "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Data Value", "Date", "Domain Source"]
OCC_HEADER = ["O*NET-SOC Code", "Title", "Description"]


# ---------------------------------------------------------------------------------------------
# small files written here: shapes and conversions


def test_rated_text_file_converts_every_column(tmp_path):
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, SKILLS_ROWS)
    df = onet.read_rated(path, "skills")
    assert list(df.columns) == onet.RATED_COLUMNS
    # sorted by element then scale, not in file order
    assert list(zip(df.element_id, df.scale_id)) == [("2.A.1.a", "IM"), ("2.A.1.a", "LV"), ("2.A.1.b", "IM")]
    im, lv, listening = df.iloc[0], df.iloc[1], df.iloc[2]
    assert im.value == 4.12 and math.isnan(im.n) and math.isnan(im.standard_error)
    assert pd.isna(im.recommend_suppress) and pd.isna(im.not_relevant)
    assert lv.value == 4.62 and lv.n == 8.0 and lv.standard_error == 0.183
    assert lv.lower_ci == 4.2664 and lv.upper_ci == 4.9836
    assert bool(lv.recommend_suppress) and not bool(lv.not_relevant)
    assert not bool(listening.recommend_suppress)
    assert (df.domain == "skills").all() and (df.onet_release == "29.3").all()
    assert df.date.tolist() == ["08/2023"] * 3 and df.domain_source.tolist() == ["Analyst"] * 3
    assert df.category.isna().all()
    assert str(df.category.dtype) == "Int64"
    assert str(df.recommend_suppress.dtype) == "boolean" and str(df.not_relevant.dtype) == "boolean"
    assert df.value.dtype == "float64" and df.n.dtype == "float64"


def test_rated_file_without_statistics_gives_nan_columns(tmp_path):
    path = write_tsv(
        tmp_path / "Interests.txt",
        INTERESTS_HEADER,
        [["29-1141.00", "Registered Nurses", "1.B.1.d", "Social", "OI", "Occupational Interests", "5.62", "11/2023", "Machine Learning"]],
    )
    df = onet.read_rated(path, "interests")
    assert list(df.columns) == onet.RATED_COLUMNS
    row = df.iloc[0]
    assert (row.onetsoc_code, row.element_name, row.scale_id, row.value) == ("29-1141.00", "Social", "OI", 5.62)
    assert df[["n", "standard_error", "lower_ci", "upper_ci"]].isna().all().all()
    assert df[["recommend_suppress", "not_relevant", "category"]].isna().all().all()


def test_rated_xlsx_reads_category_and_blank_cells(tmp_path):
    header = [
        "O*NET-SOC Code", "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Category",
        "Data Value", "N", "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress", "Date",
        "Domain Source",
    ]
    rows = [
        ["29-1141.00", "Registered Nurses", "2.D.1", "Required Level of Education", "RL", "RL name", 6, 55.92, 28, 18.2975, 21.6698, 85.3362, "Y", "08/2021", "Incumbent"],
        ["29-1141.00", "Registered Nurses", "2.D.4.a", "Job-Related Professional Certification", "IM", "Importance", None, 3.74, 28, 0.2173, 3.2912, 4.1828, "N", "08/2021", "Incumbent"],
        ["29-1141.00", "Registered Nurses", "2.D.1", "Required Level of Education", "RL", "RL name", 1, 0, 28, 0, None, None, None, "08/2021", "Incumbent"],
    ]
    path = write_xlsx(tmp_path / "Education, Training, and Experience.xlsx", "Education, Training, and Experi", header, rows)
    df = onet.read_rated(path, "education")
    assert df.category.tolist()[:2] == [1, 6] and pd.isna(df.category.iloc[2])
    cat6 = df.iloc[1]
    assert cat6.value == 55.92 and bool(cat6.recommend_suppress) and cat6.n == 28.0
    cat1 = df.iloc[0]
    assert cat1.value == 0.0 and math.isnan(cat1.lower_ci) and pd.isna(cat1.recommend_suppress)
    assert df.iloc[2].element_id == "2.D.4.a" and df.iloc[2].value == 3.74


def test_quoted_text_fields_are_unescaped(tmp_path):
    header = ["O*NET-SOC Code", "Title", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"]
    path = write_tsv(
        tmp_path / "Task Statements.txt",
        header,
        [
            ["11-1031.00", "Legislators", "15287", '"Conduct ""head counts"" to help predict."', "", "", "06/2006", "Analyst"],
            ["11-1011.00", "Chief Executives", "8823", "Direct activities.", "Core", "95.0", "08/2023", "Incumbent"],
        ],
    )
    df = onet.read_tasks(path)
    assert df.task_id.tolist() == [8823, 15287] and df.task_id.dtype == "int64"
    assert df.task.iloc[1] == 'Conduct "head counts" to help predict.'
    assert pd.isna(df.task_type.iloc[1]) and math.isnan(df.incumbents_responding.iloc[1])
    assert df.task_type.iloc[0] == "Core" and df.incumbents_responding.iloc[0] == 95.0


def _graph_files(tmp_path: Path, edges: list[dict]) -> tuple[Path, Path]:
    things = pd.DataFrame(
        {
            "id": ["ability/1.A.1.a.1", "activity/4.A.1.a.1", "activity/4.A.1.a.1.I01", "occupation/29-1141.00"],
            "type": ["ability", "activity", "activity", "occupation"],
            "name": ["Oral Comprehension", "Getting Information", "Study details.", "Registered Nurses"],
            "data": ["{}"] * 4,
        }
    )
    rel = pd.DataFrame(edges, columns=["from", "predicate", "reverse", "to", "name", "data"])
    things_path, rel_path = tmp_path / "ONET_things.parquet", tmp_path / "ONET_relationships.parquet"
    things.to_parquet(things_path)
    rel.to_parquet(rel_path)
    return things_path, rel_path


def _edge(to: str, data: str, predicate: str = "hasAbility", origin: str = "occupation/29-1141.00") -> dict:
    return {"from": origin, "predicate": predicate, "reverse": "x", "to": to, "name": "n", "data": data}


def test_graph_ratings_two_rows_per_edge_and_iwa_edges_dropped(tmp_path):
    things, rel = _graph_files(
        tmp_path,
        [
            _edge("task/1", "{}", predicate="taskOf", origin="task/1"),
            _edge("ability/1.A.1.a.1", '{"importance":4,"level":4.88}'),
            _edge("activity/4.A.1.a.1", '{"importance":4.8,"level":5.1}', predicate="hasActivity"),
            _edge("activity/4.A.1.a.1.I01", "{}", predicate="hasActivity"),
        ],
    )
    df = onet.read_graph_ratings(things, rel)
    assert list(df.columns) == onet.RATED_COLUMNS
    assert df[["domain", "element_id", "element_name", "scale_id", "value"]].values.tolist() == [
        ["abilities", "1.A.1.a.1", "Oral Comprehension", "IM", 4.0],
        ["abilities", "1.A.1.a.1", "Oral Comprehension", "LV", 4.88],
        ["work_activities", "4.A.1.a.1", "Getting Information", "IM", 4.8],
        ["work_activities", "4.A.1.a.1", "Getting Information", "LV", 5.1],
    ]
    assert (df.onetsoc_code == "29-1141.00").all() and (df.onet_release == "30").all()
    assert (df.date == "").all() and (df.domain_source == "").all()
    assert df[["n", "standard_error", "lower_ci", "upper_ci", "category", "recommend_suppress", "not_relevant"]].isna().all().all()


def test_descriptor_parts_have_the_same_dtypes(tmp_path):
    skills = onet.read_rated(write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, SKILLS_ROWS), "skills")
    graph = onet.read_graph_ratings(*_graph_files(tmp_path, [_edge("ability/1.A.1.a.1", '{"importance":4,"level":4.88}')]))
    assert skills.dtypes.astype(str).tolist() == graph.dtypes.astype(str).tolist()


def test_unknown_domain_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="abilities"):
        onet.read_rated(tmp_path / "Abilities.txt", "abilities")


# ---------------------------------------------------------------------------------------------
# rejections: the error names the file, the row and the field


def test_missing_column_is_named(tmp_path):
    header = [c for c in SKILLS_HEADER if c != "N"]
    rows = [[v for c, v in zip(SKILLS_HEADER, r) if c != "N"] for r in SKILLS_ROWS]
    path = write_tsv(tmp_path / "Skills.txt", header, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert Path(exc.value.path).name == "Skills.txt" and exc.value.field == "N"
    assert "missing column" in exc.value.reason


def test_missing_column_in_occupation_data(tmp_path):
    path = write_tsv(tmp_path / "Occupation Data.txt", ["O*NET-SOC Code", "Title"], [["11-1011.00", "Chief Executives"]])
    with pytest.raises(SourceFormatError) as exc:
        onet.read_occupations(path)
    assert exc.value.field == "Description" and "Occupation Data.txt" in str(exc.value)


def test_non_numeric_data_value(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS]
    rows[1][6] = "high"  # second data row = file row 3
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert_points_at(exc, path, 3, "Data Value")
    assert "'high'" in exc.value.reason


def test_blank_data_value_is_rejected(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS]
    rows[2][6] = ""
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert_points_at(exc, path, 4, "Data Value")


def test_non_numeric_value_in_xlsx_names_the_sheet_row(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS]
    rows[2][7] = "many"  # third data row = sheet row 4, column N
    path = write_xlsx(tmp_path / "Skills.xlsx", "Skills", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert_points_at(exc, path, 4, "N")


def test_malformed_onet_soc_code(tmp_path):
    path = write_tsv(
        tmp_path / "Occupation Data.txt",
        OCC_HEADER,
        [["11-1011.00", "Chief Executives", "Lead."], ["29-1141", "Registered Nurses", "Care."]],
    )
    with pytest.raises(SourceFormatError) as exc:
        onet.read_occupations(path)
    assert_points_at(exc, path, 3, "O*NET-SOC Code")
    assert "'29-1141'" in exc.value.reason


def test_malformed_code_in_rated_file(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS]
    rows[0][0] = "1111011.00"
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert_points_at(exc, path, 2, "O*NET-SOC Code")


def test_bad_flag(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS]
    rows[1][11] = "Yes"
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert_points_at(exc, path, 3, "Recommend Suppress")


def test_blank_required_flag_in_technology_skills(tmp_path):
    header = ["O*NET-SOC Code", "Title", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"]
    path = write_tsv(
        tmp_path / "Technology Skills.txt",
        header,
        [["15-1252.00", "Software Developers", "Python", "43232405", "OO software", "Y", ""]],
    )
    with pytest.raises(SourceFormatError) as exc:
        onet.read_technology_skills(path)
    assert_points_at(exc, path, 2, "In Demand")


def test_fractional_job_zone(tmp_path):
    path = write_tsv(
        tmp_path / "Job Zones.txt",
        ["O*NET-SOC Code", "Title", "Job Zone", "Date", "Domain Source"],
        [["11-1011.00", "Chief Executives", "5", "08/2023", "Analyst"], ["11-1011.03", "CSO", "4.5", "08/2021", "Analyst"]],
    )
    with pytest.raises(SourceFormatError) as exc:
        onet.read_job_zones(path)
    assert_points_at(exc, path, 3, "Job Zone")


def test_duplicate_key(tmp_path):
    rows = [list(r) for r in SKILLS_ROWS] + [list(SKILLS_ROWS[1])]
    path = write_tsv(tmp_path / "Skills.txt", SKILLS_HEADER, rows)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_rated(path, "skills")
    assert exc.value.row == 5 and "duplicate" in exc.value.reason and "first at row 3" in exc.value.reason
    assert exc.value.field == "O*NET-SOC Code"


def test_ragged_text_row(tmp_path):
    path = tmp_path / "Occupation Data.txt"
    path.write_text("O*NET-SOC Code\tTitle\tDescription\n11-1011.00\tCE\tLead.\n11-1011.03\tCSO\tx\textra\n")
    with pytest.raises(SourceFormatError) as exc:
        onet.read_occupations(path)
    assert exc.value.row == 3 and "Occupation Data.txt" in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match="file not found"):
        onet.read_occupations(tmp_path / "Occupation Data.txt")


def test_bad_json_in_relationships(tmp_path):
    things, rel = _graph_files(
        tmp_path,
        [
            _edge("ability/1.A.1.a.1", '{"importance":4,"level":4.88}'),
            _edge("activity/4.A.1.a.1", '{"importance":4.8,"level":', predicate="hasActivity"),
        ],
    )
    with pytest.raises(SourceFormatError) as exc:
        onet.read_graph_ratings(things, rel)
    err = exc.value
    assert Path(err.path).name == "ONET_relationships.parquet" and err.field == "data"
    assert err.row == 2  # second record of the parquet file
    assert "not valid JSON" in err.reason


@pytest.mark.parametrize(
    "data, problem",
    [('{"importance":4}', "'level'"), ('{"importance":"high","level":2}', "'importance'"), ("[4, 2]", "JSON object")],
)
def test_rating_json_must_hold_numeric_importance_and_level(tmp_path, data, problem):
    things, rel = _graph_files(
        tmp_path,
        [
            _edge("task/1", "{}", predicate="taskOf", origin="task/1"),
            _edge("task/2", "{}", predicate="taskOf", origin="task/2"),
            _edge("ability/1.A.1.a.1", data),
        ],
    )
    with pytest.raises(SourceFormatError) as exc:
        onet.read_graph_ratings(things, rel)
    assert exc.value.field == "data" and exc.value.row == 3 and problem in exc.value.reason


def test_graph_edge_from_a_malformed_occupation(tmp_path):
    things, rel = _graph_files(tmp_path, [_edge("ability/1.A.1.a.1", '{"importance":4,"level":4}', origin="occupation/29-1141")])
    with pytest.raises(SourceFormatError) as exc:
        onet.read_graph_ratings(things, rel)
    assert exc.value.field == "from" and exc.value.row == 1


def test_graph_edge_to_an_unknown_element(tmp_path):
    things, rel = _graph_files(tmp_path, [_edge("ability/1.A.1.a.9", '{"importance":4,"level":4}')])
    with pytest.raises(SourceFormatError) as exc:
        onet.read_graph_ratings(things, rel)
    assert exc.value.field == "to" and exc.value.row == 1 and "ONET_things.parquet" in exc.value.reason


def test_relationships_missing_data_column(tmp_path):
    things, rel = _graph_files(tmp_path, [_edge("ability/1.A.1.a.1", "{}")])
    pd.read_parquet(rel).drop(columns="data").to_parquet(rel)
    with pytest.raises(SourceFormatError) as exc:
        onet.read_graph_ratings(things, rel)
    assert exc.value.field == "data" and "missing column" in exc.value.reason


# ---------------------------------------------------------------------------------------------
# the official files: counts and exact values


@needs_data
def test_attribution_is_the_one_provenance_requires():
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    required = re.search(r'Required attribution: "(This product includes information from the O\*NET 29\.3[^"]+)"', text)
    assert required is not None
    assert ONET_ATTRIBUTION == required.group(1)
    assert SOURCES["onet_29_3"].release == "O*NET 29.3 (May 2025)"
    assert SOURCES["onet_30"].release == "O*NET 30.x"


@needs_data
def test_real_occupations_and_job_zones():
    occ = onet.read_occupations(ONET29 / "Occupation Data.txt")
    assert len(occ) == 1016 and occ.onetsoc_code.is_unique
    assert occ.iloc[0].tolist()[:2] == ["11-1011.00", "Chief Executives"]
    assert occ.set_index("onetsoc_code").loc["29-1141.00", "title"] == "Registered Nurses"
    jz = onet.read_job_zones(ONET29 / "Job Zones.txt")
    assert len(jz) == 923 and jz.job_zone.dtype == "int64"
    zones = jz.set_index("onetsoc_code")
    assert zones.loc["11-1011.00"].tolist() == [5, "08/2023", "Analyst"]
    assert zones.loc["15-1252.00"].tolist() == [4, "11/2021", "Analyst - Preliminary"]
    assert jz.job_zone.value_counts().sort_index().tolist() == [31, 295, 219, 224, 154]
    ref = onet.read_job_zone_reference(ONET29 / "Job Zone Reference.txt")
    assert ref.job_zone.tolist() == [1, 2, 3, 4, 5]
    assert ref.name.iloc[0] == "Job Zone One: Little or No Preparation Needed"
    assert ref.svp_range.iloc[4] == "(8.0 and above)"


@needs_data
def test_real_technology_skills_flags():
    tech = onet.read_technology_skills(ONET29 / "Technology Skills.txt")
    assert len(tech) == 32681
    assert tech.hot_technology.sum() == 11616 and tech.in_demand.sum() == 2339
    dev = tech[tech.onetsoc_code == "15-1252.00"].drop(columns="onetsoc_code").set_index("example")
    assert dev.loc["Python"].tolist() == ["43232405", "Object or component oriented development software", True, True]
    assert dev.loc["Microsoft Excel"].tolist() == ["43232110", "Spreadsheet software", True, False]


@needs_data
def test_real_tasks():
    tasks = onet.read_tasks(ONET29 / "Task Statements.txt")
    assert len(tasks) == 18796 and tasks.task_id.is_unique
    assert tasks.task_type.value_counts().to_dict() == {"Core": 13417, "Supplemental": 4222}
    assert tasks.task_type.isna().sum() == 1157 and tasks.incumbents_responding.isna().sum() == 1639
    t = tasks.set_index("task_id")
    assert t.loc[15287, "task"] == 'Conduct "head counts" to help predict the outcome of upcoming votes.'
    assert t.loc[8823, "incumbents_responding"] == 95.0 and t.loc[8823, "onetsoc_code"] == "11-1011.00"


@needs_data
def test_real_reference_tables():
    dwa = onet.read_dwa_reference(ONET29 / "DWA Reference.txt")
    iwa = onet.read_iwa_reference(ONET29 / "IWA Reference.txt")
    cm = onet.read_content_model(ONET29 / "Content Model Reference.txt")
    scales = onet.read_scales(ONET29 / "Scales Reference.txt")
    anchors = onet.read_level_anchors(ONET29 / "Level Scale Anchors.txt")
    ete = onet.read_ete_categories(ONET29 / "Education, Training, and Experience Categories.txt")
    assert (len(dwa), len(iwa), len(cm), len(scales), len(anchors), len(ete)) == (2087, 332, 627, 29, 483, 41)
    assert dwa.iloc[0].tolist() == ["4.A.1.a.1", "4.A.1.a.1.I01", "4.A.1.a.1.I01.D01", "Review art or design materials."]
    assert set(dwa.iwa_id) <= set(iwa.iwa_id)
    assert cm.set_index("element_id").loc["2.A.1.a", "element_name"] == "Reading Comprehension"
    assert "giving out" in cm.set_index("element_id").loc["1.A.3.a.4", "description"]
    assert scales.set_index("scale_id").loc["LV"].tolist() == ["Level", 0.0, 7.0]
    assert scales.set_index("scale_id").loc["RL"].tolist()[1:] == [0.0, 100.0]
    first = anchors.iloc[0]
    assert (first.element_id, first.anchor_value, first.anchor_description) == ("1.A.1.a.1", 2.0, "Understand a television commercial")
    rl = ete[(ete.scale_id == "RL")].set_index("category")
    assert len(rl) == 12 and rl.loc[6, "category_description"] == "Bachelor's Degree"
    # two descriptions are blank in this copy (category 1 of RW and PT); they stay missing
    assert ete[ete.category_description.isna()][["scale_id", "category"]].values.tolist() == [["RW", 1], ["PT", 1]]


@needs_data
def test_real_graph_ratings():
    g = onet.read_graph_ratings(ONET30 / "ONET_things.parquet", ONET30 / "ONET_relationships.parquet")
    # Edges × 2 scales: hasAbility 46,488, hasActivity 36,654, hasKnowledge 29,502, hasSkill 8,940.
    assert g.groupby("domain").size().to_dict() == {
        "abilities": 92976, "knowledge": 59004, "skills": 17880, "work_activities": 73308,
    }
    assert g.onetsoc_code.nunique() == 894
    # O*NET 30's skills are the ten basic skills (2.A) only; the other domains are complete.
    assert g.groupby("domain").element_id.nunique().to_dict() == {
        "abilities": 52, "knowledge": 33, "skills": 10, "work_activities": 41,
    }
    assert g[g.domain == "skills"].element_id.str.startswith("2.A.").all()
    assert not g.element_id.str.contains(r"\.I\d").any()
    key = g.set_index(["onetsoc_code", "element_id", "scale_id"])
    assert key.loc[("29-1141.00", "1.A.1.a.1", "IM"), "value"] == 4.0
    assert key.loc[("29-1141.00", "1.A.1.a.1", "LV"), "value"] == 4.88
    assert key.loc[("29-1141.00", "1.A.1.a.1", "IM"), "element_name"] == "Oral Comprehension"
    assert key.loc[("15-1252.00", "4.A.3.b.1", "IM"), "value"] == 4.61
    assert key.loc[("15-1252.00", "4.A.3.b.1", "LV"), "value"] == 4.92
    assert key.loc[("15-1252.00", "4.A.3.b.1", "LV"), "element_name"] == "Working with Computers"
    skills = g[g.domain == "skills"].set_index(["onetsoc_code", "element_id", "scale_id"])
    assert skills.loc[("15-1252.00", "2.A.1.a", "IM"), "value"] == 3.5  # {"importance":3.5,"level":4.25}
    assert skills.loc[("15-1252.00", "2.A.1.a", "LV"), "value"] == 4.25


# The workbooks take openpyxl several seconds each (Skills and Knowledge are 3 MB).


@pytest.fixture(scope="module")
def descriptors():
    return onet.read_descriptors(ONET29, ONET30)


@needs_data
@pytest.mark.slow
def test_real_descriptors_counts_and_order(descriptors):
    d = descriptors
    assert list(d.columns) == onet.RATED_COLUMNS
    assert d.groupby("domain").size().to_dict() == {
        "abilities": 92976,
        "education": 36209,
        "interests": 8307,
        "knowledge": 58014 + 59004,
        "skills": 61530 + 17880,
        "work_activities": 73308,
        "work_styles": 14064,
        "work_values": 7866,
    }
    assert len(d) == 352274 + 59004 + 17880
    assert d.groupby("onet_release").domain.unique().map(sorted).to_dict() == {
        "29.3": ["education", "interests", "knowledge", "skills", "work_styles", "work_values"],
        "30": ["abilities", "knowledge", "skills", "work_activities"],
    }
    key = [*onet.RATED_KEY, "onet_release"]
    assert not d.duplicated(key).any()
    resorted = d.sort_values(key, na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(d, resorted)
    assert d.value.notna().all()


@needs_data
@pytest.mark.slow
def test_real_descriptor_values(descriptors):
    d = descriptors[descriptors.onet_release == "29.3"].set_index(["onetsoc_code", "domain", "element_id", "scale_id"])
    reading = d.loc[("11-1011.00", "skills", "2.A.1.a")]
    assert reading.loc["IM", "value"] == 4.12 and reading.loc["LV", "value"] == 4.62
    assert reading.loc["IM", "element_name"] == "Reading Comprehension"
    assert reading.loc["IM", ["n", "standard_error", "lower_ci", "upper_ci"]].tolist() == [8.0, 0.125, 3.88, 4.37]
    assert pd.isna(reading.loc["IM", "not_relevant"]) and reading.loc["LV", "not_relevant"] == False  # noqa: E712
    assert reading.loc["IM", "date"] == "08/2023" and reading.loc["IM", "domain_source"] == "Analyst"
    assert d.loc[("11-1011.00", "skills", "2.B.3.d", "LV"), "not_relevant"] == True  # noqa: E712
    assert d.loc[("11-3031.00", "skills", "2.B.3.a", "LV"), "recommend_suppress"] == True  # noqa: E712

    medicine = d.loc[("29-1141.00", "knowledge", "2.C.5.a")]
    assert medicine.loc["IM", "value"] == 4.36 and medicine.loc["LV", "value"] == 4.47
    transition = d.loc[("11-3071.00", "knowledge", "2.C.1.a", "IM")]
    assert transition.value == 4.14 and math.isnan(transition.n) and transition.domain_source == "Analyst - Transition"

    assert d.loc[("29-1141.00", "interests", "1.B.1.d", "OI"), "value"] == 5.62
    assert d.loc[("29-1141.00", "work_values", "1.B.2.a", "EX"), "value"] == 5.33
    styles = d.loc[("11-3071.00", "work_styles", "1.C.1.a", "IM")]
    assert styles.value == 3.9 and math.isnan(styles.n) and styles.recommend_suppress == False  # noqa: E712
    blank_flag = d.loc[("11-1011.03", "work_styles", "1.C.1.a", "IM")]
    assert blank_flag.n == 27.0 and pd.isna(blank_flag.recommend_suppress)

    ete = descriptors[(descriptors.onetsoc_code == "29-1141.00") & (descriptors.scale_id == "RL")].set_index("category")
    assert len(ete) == 12
    assert ete.loc[6, "value"] == 55.92 and ete.loc[6, "recommend_suppress"] == True  # noqa: E712
    assert ete.loc[3, "value"] == 22.5 and ete.loc[6, "upper_ci"] == 85.3362
    cert = d.loc[("29-1141.00", "education", "2.D.4.a", "IM")]
    assert cert.value == 3.74 and pd.isna(cert.category)

    by_key = descriptors.set_index(["onetsoc_code", "domain", "element_id", "scale_id"])
    oral = by_key.loc[("29-1141.00", "abilities", "1.A.1.a.1")]
    assert oral.loc["IM", "value"] == 4.0 and oral.loc["LV", "value"] == 4.88 and oral.loc["IM", "onet_release"] == "30"


@needs_data
@pytest.mark.slow
def test_real_workbook_tables():
    alt = onet.read_alternate_titles(ONET29 / "Alternate Titles.xlsx")
    assert len(alt) == 56560 and alt.short_title.notna().sum() == 3574
    assert alt.iloc[0].tolist()[:2] == ["11-1011.00", "Aeronautics Commission Director"] and pd.isna(alt.iloc[0].short_title)
    lmhc = alt[(alt.onetsoc_code == "21-1014.00") & (alt.alternate_title == "Licensed Mental Health Counselor (LMHC)")]
    # the title is listed twice, without and with a short title; missing sorts first
    assert pd.isna(lmhc.short_title.iloc[0]) and lmhc.short_title.iloc[1] == "LMHC"
    assert lmhc.sources.tolist() == ["04", "02,04"]

    tools = onet.read_tools(ONET29 / "Tools Used.xlsx")
    assert len(tools) == 41662
    assert tools.iloc[0].tolist() == ["11-1011.00", "10-key calculators", "44101809", "Desktop calculator"]
    assert tools.commodity_code.str.fullmatch(r"\d{8}").all()

    links = onet.read_task_dwas(ONET29 / "Tasks to DWAs.xlsx")
    assert len(links) == 23233 and links.task_id.dtype == "int64"
    ce = links[(links.onetsoc_code == "11-1011.00") & (links.task_id == 20461)]
    assert ce.dwa_id.tolist()[0] == "4.A.2.a.4.I09.D03" and ce.date.tolist()[0] == "07/2014"
