"""JSON request bodies with a bounded nesting, for every `request.get_json()` of the app.

`json.loads` recurses once per level: a body of 100,000 brackets (well inside the 1 MiB
MAX_CONTENT_LENGTH) ends in a RecursionError, which no `silent=True` catches, so a 500. The
app's JSON provider refuses such a body before parsing it, with the ValueError a broken body
raises: `get_json(silent=True)` then gives None (the API answers 422 `invalid_json`), and
`get_json()` a 400. No body the service reads nests deeper than two levels.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from hotline.inputs import json_nesting_within

MOST_NESTING = 32


class NestingBoundJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested deeper than MOST_NESTING is not JSON to it."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, bytes) else s
        if not json_nesting_within(text, MOST_NESTING):
            raise ValueError(f"JSON nested deeper than {MOST_NESTING} levels")
        return super().loads(text, **kwargs)


def init_app(app: Flask) -> None:
    app.json = NestingBoundJSONProvider(app)
