"""The API against its own OpenAPI document (schemathesis): whatever the document allows, no 5xx.

The document is loaded when the module is imported, from an app with the API's routes and no atlas
(the routes alone make the document); the cases then run against the real app on the session atlas.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from upward.web import Settings, api, create_app

TOKEN = "schema-token-0123456789abcdef"
_SETTINGS = Settings(token=TOKEN)


def _document_app() -> FastAPI:
    app = FastAPI(openapi_url="/api/v1/openapi.json")
    app.include_router(api.router(_SETTINGS))
    return app


class _Switch:
    """An ASGI app that forwards to another, so the cases can run against the app the fixture builds."""

    def __init__(self, target):
        self.target = target

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":  # no start-up tasks (the dashboard's warm-up) for these requests
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await self.target(scope, receive, send)


_app = _Switch(_document_app())
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app)


@pytest.fixture(scope="module", autouse=True)
def real_app(atlas_path, tmp_path_factory):
    hub = tmp_path_factory.mktemp("api-schema") / "hub.duckdb"
    app = create_app(Settings(db=atlas_path, hub=hub, token=TOKEN))
    served = app.openapi()
    assert set(served["paths"]) == set(schema.raw_schema["paths"])  # the same document as the served one
    _app.target = app
    yield app


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), print_blob=True)
def test_no_input_the_document_allows_makes_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error], headers={"Authorization": f"Bearer {TOKEN}"})
