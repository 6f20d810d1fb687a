"""`upward paths` and `upward feeders`: career pathways in a region, and who can reach a job."""

from __future__ import annotations

from typing import Annotated

import typer

from upward.cli import render
from upward.cli.common import (DbOption, Output, ProfileOption, RegionOption, answers, app, atlas_and_area,
                               occupation_of, say_note)
from upward.cli.programs import HubOption, _hub


def _setup(profile, db, region: str, soc: str, quiet: bool):
    """The profile, the atlas, the area and the occupation a command is about (notes said once)."""
    from upward import profiles

    prof = profiles.load(profile)
    con, area = atlas_and_area(db, region, quiet)
    return prof, con, area, occupation_of(con, soc, quiet)


def _pct(v) -> str:
    return "—" if v is None else f"{v:+.0%}"


def _years(v) -> str:
    """Years in words a navigator says: weeks below two months, months below a year."""
    if v is None:
        return "—"
    if v < 2 / 12:
        return f"{max(1, round(v * 52))} wk"
    if v < 1:
        return f"{round(v * 12)} mo"
    return f"{v:.1f} yr"


#: Short words for the evidence levels, for tables at 80 columns (the legend says what they mean).
EVIDENCE_SHORT = {"commonly observed": "common", "sometimes observed": "sometimes", "same CPS group": "same group",
                  "not in CPS": "no data", "rarely or never observed": "rare"}
EVIDENCE_NOTE = ("Evidence: how often people leaving the origin's occupation group go to the destination's (CPS): "
                 "common ≥ {common:.0%} of them, sometimes ≥ {sometimes:.1%}, rare below; same group = one CPS group.")
RANK_WORDS = {
    "balanced": "pay gain per year of preparation, weighted by how often people make the least common move",
    "fastest": "fewest years of preparation", "gain": "largest pay gain", "common": "how often people make the moves",
}


def _requires(q: dict) -> str:
    """What a step asks, in words: credential and study, on-the-job training, related experience."""
    parts = []
    if q["credential"]:
        parts.append(f"{q['credential']} ({_years(q['study_years'])} of study)" if q["study_years"] else q["credential"])
    elif q["kind"] == "residency":
        parts.append("an internship or residency")
    if q["on_the_job_training"] and q["on_the_job_training"] != "None":
        parts.append(f"{q['on_the_job_training'].lower()} ({_years(q['training_years'])})")
    if q["related_experience"] and q["related_experience"] != "None":
        parts.append(f"{q['related_experience'].lower()} of related experience ({q['line_of_work'] or 'related'})")
    return "; ".join(parts) or "no credential or training beyond the job itself"


def _say(text: str, indent: int = 0, style: str | None = None) -> None:
    from rich.padding import Padding
    from rich.text import Text

    render.console.print(Padding(Text(text, style=style or ""), (0, 0, 0, indent), expand=False), highlight=False)


@app.command()
@answers
def paths(
    from_soc: Annotated[str, typer.Option("--from", help="The occupation the person holds (code or title).")],
    region: RegionOption,
    to_soc: Annotated[str | None, typer.Option("--to", help="A named target (default: the region's Jobs That Mobilize).")] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", min=1, max=6, help="At most this many steps (default: profile, 3).")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, max=50, help="How many pathways (default: profile, 5).")] = None,
    rank: Annotated[str | None, typer.Option("--rank", help="balanced (default), fastest, gain or common.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="With --to: why the direct step is or is not allowed, rule by rule.")] = False,
    profile: ProfileOption = None,
    hub: HubOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Pathways from a job to the region's Jobs That Mobilize: steps people take, years, pay, training."""
    from upward.analysis.pathways import explain_step, pathways, step_rows
    from upward.errors import UpwardError

    prof, con, area, origin = _setup(profile, db, region, from_soc, out.quiet)
    target = occupation_of(con, to_soc, out.quiet) if to_soc is not None else None
    if explain:
        if target is None:
            raise UpwardError("--explain needs --to: it explains one direct step.", hint="upward paths --from 53-7062 --to 33-1021 --region chicago --explain")
        r = explain_step(con, area.code, origin.code, target.code, prof)
        return out.emit(r, [{"from": r["from"]["soc"], "to": r["to"]["soc"], "allowed": r["allowed"],
                             "broken_rules": "; ".join(r["broken_rules"]), "evidence": r["evidence"]["level"]}], _print_step)
    r = pathways(con, area.code, origin.code, prof, target.code if target else None, max_steps, top, _hub(hub), rank=rank)
    out.emit(r, step_rows(r), _print_pathways)


def _print_step(r: dict) -> None:
    verdict = "is allowed" if r["allowed"] else "is not a step Upward proposes"
    _say(f"{r['from']['title']} → {r['to']['title']} {verdict} in {r['area']['area_name']}.", style="bold")
    for why in r["broken_rules"]:
        _say(f"• {why}", 2)
    _say(f"It asks: {_requires(r['requires'])}. Evidence: {r['evidence']['level']} (CPS).", 2)


def _print_pathways(r: dict) -> None:
    f = r["from"]
    goal = f"{r['to']['title']} ({r['to']['soc']})" if r["to"] else "the Jobs That Mobilize"
    wage = render.money(f["median_wage"]) + (" national" if f["wage_source"] == "national" else "")
    _say(f"Pathways from {f['title']} ({f['soc']}, {wage}) to {goal} in {r['area']['area_name']}", style="bold")
    _say(f"Ranked by {RANK_WORDS[r['rank']]}. Pay is the regional median (25th–75th percentile in brackets); "
         "a pathway counts at least a year per job. People who made these moves earned these wages; "
         "nobody is promised them.", style="dim")
    ev = EVIDENCE_NOTE.format(**r["rules"]["evidence"])
    for p in r["pathways"]:
        pay = p["pay"]
        _say("")
        _say(f"{p['rank']}. {p['target_title']} ({p['target']})", style="bold")
        _say(f"about {_years(p['years'])} · {render.money(pay['from'])} → {render.money(pay['to'])} "
             f"({'+' if pay['change'] >= 0 else ''}{render.money(pay['change'])}, {_pct(pay['change_pct'])}) · "
             f"{render.money(p['gain_per_year'])} a year of preparation · least common move: {EVIDENCE_SHORT[p['evidence']]}", 3)
        for k, s in enumerate(p["steps"], 1):
            sp = s["pay"]
            rng = f" [{render.money(sp['to_p25'])}–{render.money(sp['to_p75'])}]" if sp["to_p25"] and sp["to_p75"] else ""
            _say(f"{k}) {s['to_title']} ({s['to']}): {render.money(sp['to'])}{rng}, {_pct(sp['change_pct'])}; "
                 f"{EVIDENCE_SHORT[s['evidence']['level']]}", 3)
            _say(f"needs: {_requires(s['requires'])}", 6, "dim")
            gain = ", ".join(f"{g['name']} {g['current_level']:.1f}→{g['required_level']:.1f}" for g in s["skills_to_gain"][:3])
            if gain:
                _say(f"skills to gain (O*NET level now→needed): {gain}", 6, "dim")
            if s["skills_proxy"]:
                _say(f"({s['skills_proxy']})", 6, "dim")
            if s["training_count"]:
                names = "; ".join(f"{t['program_name'] or '—'} ({t['provider_name'] or '—'}" + (", dormant" if t["dormant"] else "") + ")"
                                  for t in s["training"][:2])
                more = f" and {s['training_count'] - 2} more" if s["training_count"] > 2 else ""
                _say(f"training here: {names}{more}", 6, "dim")
            elif s["requires"]["credential"]:
                cips = ", ".join(s["cip_codes"][:4]) or "none mapped"
                _say(f"training here: no program in the area leads there (CIP {cips})", 6, "dim")
    if r["pathways"]:
        _say("")
        _say(ev, style="dim")
    for note in r["notes"]:
        say_note(note, False)


@app.command()
@answers
def feeders(
    soc: Annotated[str, typer.Argument(help="The target occupation (code or title), usually a Job That Mobilizes.")],
    region: RegionOption,
    top: Annotated[int, typer.Option("--top", min=1, help="How many feeder occupations.")] = 25,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Untapped talent: the region's workers who can reach an occupation in one or two viable steps."""
    from upward.analysis.pathways import feeders as feeders_of

    prof, con, area, occ = _setup(profile, db, region, soc, out.quiet)
    r = feeders_of(con, area.code, occ.code, prof, top)
    out.emit(r, r["feeders"], _print_feeders)


def _print_feeders(r: dict) -> None:
    o = r["occupation"]
    _say(f"Who can reach {o['title']} ({o['soc']}, {render.money(o['median_wage'])}) in {r['area']['area_name']}: "
         f"{r['one_step']['workers']:,} workers in {r['one_step']['occupations']} occupations one step away, "
         f"{r['two_steps']['workers']:,} in {r['two_steps']['occupations']} more two steps away", style="bold")
    render.console.print(render.table(
        "",
        [render.Column("SOC", "code"), render.Column("occupation", min_width=14), render.Column("workers", "num"),
         render.Column("pay", "num"), render.Column("years", "num"), render.Column("evidence", "code")],
        [[f["soc"], (f["title"] or "—") + (f" (via {f['via_title'] or '—'})" if f["steps"] == 2 else ""),
          render.number(f["employment"]), _pct(f["wage_gain"]), _years(f["years"]), EVIDENCE_SHORT[f["evidence"]]]
         for f in r["feeders"]],
    ))
    req = o["requires"]
    _say(f"Entry (BLS): {req['education'] or 'unknown'}; related experience: {(req['related_experience'] or 'unknown').lower()}; "
         f"on-the-job training: {(req['on_the_job_training'] or 'unknown').lower()}. Feeders have an allowed step in "
         "(docs/pathways.md §3); years = the study, training and experience the steps ask; evidence = how often CPS sees the move.",
         style="dim")


@app.command("next")
@answers
def next_(
    soc: Annotated[str, typer.Argument(help="The occupation the person holds (code or title).")],
    region: RegionOption,
    top: Annotated[int, typer.Option("--top", min=1, help="How many next steps.")] = 10,
    profile: ProfileOption = None,
    db: DbOption = None,
    out: Output = Output(),
):
    """Likeliest viable next jobs from an occupation in the region (the transition model checked on CPS moves)."""
    from upward.analysis.pathways import next_steps

    prof, con, area, occ = _setup(profile, db, region, soc, out.quiet)
    r = next_steps(con, area.code, occ.code, prof, top)
    out.emit(r, r["next_steps"], _print_next)


def _print_next(r: dict) -> None:
    f = r["from"]
    _say(f"Next steps from {f['title']} ({f['soc']}, {render.money(f['median_wage'])}) in {r['area']['area_name']}, likeliest first", style="bold")
    render.console.print(render.table(
        "",
        [render.Column("SOC", "code"), render.Column("occupation", min_width=14), render.Column("median", "num"),
         render.Column("pay", "num"), render.Column("years", "num"), render.Column("needs", "code"), render.Column("evidence", "code")],
        [[s["soc"], (s["title"] or "—") + (" *" if s["is_jtm"] else ""), render.money(s["median_wage"]), _pct(s["wage_change"]),
          _years(s["years"]), _needs(s["requires"]), EVIDENCE_SHORT[s["evidence"]]]
         for s in r["next_steps"]],
    ))
    _say("* a Job That Mobilizes here. Pay: regional median and change; needs: the credential the step asks; "
         "evidence: how often people in CPS make the move. Likeliest = the transition model checked against CPS moves.", style="dim")


def _needs(credential: str | None) -> str:
    if not credential:
        return "—"
    return "cert" if credential in ("Postsecondary nondegree award", "Some college, no degree") else "degree"
