"""One occupation, in one area: pay, jobs, outlook, preparation and the skills it asks for."""

from __future__ import annotations

from upward.atlas.lookup import NATIONAL
from upward.atlas.provenance import releases, top_code_bounds
from upward.atlas.query import record, records
from upward.errors import UpwardError

#: Every OEWS measure with its footnote code and, for wages, the top-coded flag.
_WAGES = "* exclude (area_code, occ_code)"


def top_descriptors(con, occ_code: str, domain: str, limit: int = 10) -> list[dict]:
    """Elements ranked by importance, with the level O*NET rates (both on O*NET's own scales).

    `onet_release` and `method` say where a row comes from: '30' skills are O*NET 30's ten basic
    skills only, and an 'all_other_*' method is a proxy from sibling occupations.
    """
    return records(
        con,
        """select element_id, any_value(element_name) as element,
                  max(value) filter (where scale_id = 'IM') as importance,
                  max(value) filter (where scale_id = 'LV') as level,
                  any_value(onet_release) as onet_release, any_value(method) as method
           from descriptors where occ_code = ? and domain = ?
           group by element_id
           order by importance desc nulls last, level desc nulls last, element_id limit ?""",
        [occ_code, domain, limit],
    )


def work_sets(con, occ_code: str, limit: int = 10) -> dict:
    """The two O*NET sets the similarity compares: detailed work activities (most tasks first) and
    technology (in demand in postings, then hot, then listed for most specialties), rolled up over the occupation's O*NET-SOC codes."""
    dwas = records(
        con,
        """select t.dwa_id, any_value(r.dwa_title) as dwa_title, count(distinct t.task_id) as tasks
           from onet_task_dwas t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code
           left join onet_dwa_reference r using (dwa_id)
           where m.occ_code = ? group by t.dwa_id order by tasks desc, t.dwa_id""",
        [occ_code],
    )
    tech = records(
        con,
        """select t.example, any_value(t.commodity_title) as commodity, bool_or(t.hot_technology) as hot_technology,
                  bool_or(t.in_demand) as in_demand, count(distinct t.onetsoc_code) as onet_codes
           from onet_technology_skills t join soc_map m on m.system = 'onet' and m.code = t.onetsoc_code
           where m.occ_code = ? group by t.example
           order by in_demand desc, hot_technology desc, onet_codes desc, t.example""",
        [occ_code],
    )
    return {
        "detailed_work_activities": dwas[:limit], "detailed_work_activities_count": len(dwas),
        "technology": tech[:limit], "technology_count": len(tech),
    }


def occupation_profile(con, area_code: str, occ_code: str, profile=None, *, top: int = 10) -> dict:
    """Everything about one occupation in one area; `dimensions` (benefits, safety, equity, AI
    exposure, national) uses the profile's benefit weights (the default profile when None)."""
    from upward import profiles
    from upward.analysis.dimensions import occupation_record

    occ = record(
        con,
        """select o.*, mj.title as major_title, mn.title as minor_title from occupations o
           left join occupation_groups mj on mj.group_code = o.major_code
           left join occupation_groups mn on mn.group_code = o.minor_code
           where o.occ_code = ?""",
        [occ_code],
    )
    if occ is None:
        raise UpwardError(f"No occupation {occ_code} in the atlas.")
    area = record(con, "select area_code, area_name, area_type from areas where area_code = ?", [area_code])
    if area is None:
        raise UpwardError(f"No area {area_code} in the atlas.")
    wages = record(con, f"select {_WAGES} from wages where area_code = ? and occ_code = ?", [area_code, occ_code])
    national = None
    if area_code != NATIONAL:
        national = record(con, f"select {_WAGES} from wages where area_code = ? and occ_code = ?", [NATIONAL, occ_code])
    notes = records(
        con,
        """select distinct f.footnote_code, f.text from wages w, unnest([w.tot_emp_fn, w.h_mean_fn, w.a_mean_fn,
               w.a_pct10_fn, w.a_pct25_fn, w.a_median_fn, w.a_pct75_fn, w.a_pct90_fn, w.h_median_fn]) as t(code)
           join oews_footnotes f on f.footnote_code = t.code
           where w.area_code = ? and w.occ_code = ? order by 1""",
        [area_code, occ_code],
    )
    proj = record(con, "select * exclude (occ_code) from projections where occ_code = ?", [occ_code])
    edu = record(
        con,
        """select e.typical_education, e.work_experience, e.on_the_job_training, e.job_zone, e.job_zone_mean,
                  z.name as job_zone_name
           from occupation_education e left join onet_job_zone_reference z on z.job_zone = e.job_zone
           where e.occ_code = ?""",
        [occ_code],
    )
    onet_codes = [
        r[0] for r in con.execute("select code from soc_map where system = 'onet' and occ_code = ? order by code", [occ_code]).fetchall()
    ]
    return {
        "occupation": {
            k: occ[k]
            for k in ("occ_code", "occ_title", "level", "major_code", "major_title", "minor_code", "minor_title", "broad_code", "in_oews")
        },
        "area": area,
        "wages": wages,
        "wages_national": national,
        "wage_footnotes": notes,
        "projections_national": proj,
        "education": edu,
        "onet_codes": onet_codes,
        "top_coded_at_least": top_code_bounds(con),
        "skills": top_descriptors(con, occ_code, "skills", top),
        "knowledge": top_descriptors(con, occ_code, "knowledge", top),
        "abilities": top_descriptors(con, occ_code, "abilities", top),
        "work_activities": top_descriptors(con, occ_code, "work_activities", top),
        **work_sets(con, occ_code, top),
        "dimensions": occupation_record(con, occ_code, profile or profiles.load()),
        "data": releases(con),
    }
