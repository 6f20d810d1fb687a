"""The regional pathways report: what a board takes into the room (docs/report.md).

    from upward.report import build, render
    report = build.build(con, "0026420", profile)        # one plain dict, every number referenced
    render.write(report, [Path("houston.html"), Path("houston.pdf")])

`build` gathers the sections from the analysis functions, `sentences` phrases *At a glance*,
`actions` derives the recommended actions by explicit rules, `charts` draws inline SVG,
`render` writes self-contained HTML and PDF (WeasyPrint), and `export` writes every table
behind the report as xlsx, csv or parquet with a README.
"""
