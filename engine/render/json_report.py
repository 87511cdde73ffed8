"""The JSON renderer: the canonical record, sorted, byte-for-byte reproducible."""

from __future__ import annotations

from typing import ClassVar

from engine import collector
from engine.model import AuditResult
from engine.output import indented_json
from engine.render.record import result_record
from engine.render.renderer import RendererBase


class JsonRenderer(RendererBase):
    """Writes the result record as JSON."""

    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"

    def render(self, result: AuditResult) -> bytes:
        """The record as UTF-8 JSON, keys sorted, ending in a newline."""
        # the bytes of json.dumps(sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
        with collector.paused():  # many dicts built and written, none freed
            text = indented_json(result_record(result, self.audience))
        return (text + "\n").encode("utf-8")
