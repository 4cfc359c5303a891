"""The published JSON Schemas (draft 2020-12) of bomtrace's JSON documents.

``analyze.schema.json``, ``inspect.schema.json`` and ``explode.schema.json`` describe what
``bomtrace analyze|inspect|explode --format json`` print (and the library's ``to_dict()``).
Each file stands alone (no references between them). Objects may gain fields in later
versions; every field written today is listed with its type.

>>> s = load_schema("analyze")
>>> s["$schema"], sorted(SCHEMAS)
('https://json-schema.org/draft/2020-12/schema', ['analyze', 'explode', 'inspect'])
>>> s["$defs"]["verdict"]["enum"]
['subject', 'not-subject', 'undetermined', 'not-analysed']
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

#: the schema names, one per command whose JSON document they describe
SCHEMAS = ("analyze", "inspect", "explode")


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one command's document (``"analyze"``, ``"inspect"``, ``"explode"``).

    Raises
    ------
    ValueError
        For any other name.
    """
    if name not in SCHEMAS:
        raise ValueError(f"No schema {name!r}. Use one of: {', '.join(SCHEMAS)}.")
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    out: dict[str, Any] = json.loads(text)
    return out


__all__ = ["SCHEMAS", "load_schema"]
