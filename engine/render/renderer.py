"""What every renderer shares: the audience and language, and background set-up that most do not need."""

from __future__ import annotations


class RendererBase:
    """A renderer for one audience; `start` and `close` do nothing unless a format needs them."""

    def __init__(self, audience: str = "full", language: str | None = None) -> None:
        self.audience = audience
        self.language = language  # of a human report; None: English

    def start(self) -> None:
        """Begin slow set-up in the background, before the result exists (here: nothing)."""

    def close(self) -> None:
        """Release what `start` took, whether or not a report was rendered (here: nothing)."""
