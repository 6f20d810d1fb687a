"""What each page shows: the analysis calls behind it, turned into tables and chart data.

Every number comes from the same analysis function the CLI command named in the docstring
calls; nothing here computes a measure of its own. A view returns the template's context:
`title`, `tables` (name → Table, each downloadable as CSV), `charts` (id → chart spec, embedded
in the page as JSON), `notes`, and the `data`/`profile` records the results carry.

One module per page (`*_page.py`), the links and resolution every page shares (`_common`) and
the chart specs (`_charts`); the routes in `upward.web.pages` call them as `views.NAME`.
"""

from __future__ import annotations

from upward.errors import NotFoundError
from upward.formats import OKABE_ITO
from upward.web.pages.views._common import TIER_COLORS, TIER_ORDER, _base, area_of, choices, occupation_of, occupation_url, pathways_url, region_url, sources
from upward.web.pages.views.changes_page import what_changed
from upward.web.pages.views.compare_page import compare
from upward.web.pages.views.home_page import HOME_METROS, home
from upward.web.pages.views.occupation_page import occupation
from upward.web.pages.views.outcomes_page import outcome_run, outcome_runs
from upward.web.pages.views.pathways_page import pathway_explorer
from upward.web.pages.views.programs_page import programs
from upward.web.pages.views.region_page import dimensions, dimensions_chart, dimensions_table, people_table, region
from upward.web.pages.views.titles_page import MAX_TITLE_LINES, job_titles

__all__ = ['HOME_METROS', 'MAX_TITLE_LINES', 'NotFoundError', 'OKABE_ITO', 'TIER_COLORS', 'TIER_ORDER', '_base', 'area_of', 'choices', 'compare', 'dimensions', 'dimensions_chart', 'dimensions_table', 'home', 'job_titles', 'occupation', 'occupation_of', 'occupation_url', 'outcome_run', 'outcome_runs', 'pathway_explorer', 'pathways_url', 'people_table', 'programs', 'region', 'region_url', 'sources', 'what_changed']
