"""Who reads a report, and what each reader may see: the audience policy, written once.

`build_report` and the filtered JSON record both apply it; renderers and templates never test the
audience themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Audience(enum.StrEnum):
    """Who reads a report."""

    FULL = "full"  # assessors and raters: everything
    INSTITUTION = "institution"  # the institution: everything but confidential documents
    BOARD = "board"  # the institution's board: what to decide, in plain words, no working papers
    PUBLIC = "public"  # anyone: a short summary; no evidence text, names or action plan


class Edition(enum.StrEnum):
    """The shape of the report an audience gets."""

    FULL = "full"  # the whole report with its annexes
    SUMMARY = "summary"  # a few pages: opinion, scores, red flags, goals, figures (and a roadmap)


@dataclass(frozen=True, slots=True)
class AudiencePolicy:
    """What one audience sees."""

    audience: Audience
    edition: Edition
    confidential_documents: bool  # documents marked confidential, and citations of them
    evidence_text: bool  # explanations, facts read, assessors' comments, override reasons
    names: bool  # people: assessors, those who answered or overrode, action owners
    action_plan: (
        bool  # the institution's action plan (the roadmap, and the full list in a full report)
    )
    documents: bool  # the list of documents reviewed

    @property
    def shows_peers(self) -> bool:
        """Whether the standing against peers is shown: in the full edition only.

        The peers' quartiles come from an investor's or a network's portfolio, which a board or
        the public has no call to see.
        """
        return self.edition is Edition.FULL

    def shows_document(self, confidential: bool) -> bool:
        """Whether a document (or a citation of it) may be shown."""
        return self.documents and (self.confidential_documents or not confidential)


POLICIES = {
    Audience.FULL: AudiencePolicy(Audience.FULL, Edition.FULL, True, True, True, True, True),
    Audience.INSTITUTION: AudiencePolicy(
        Audience.INSTITUTION, Edition.FULL, False, True, True, True, True
    ),
    Audience.BOARD: AudiencePolicy(
        Audience.BOARD, Edition.SUMMARY, False, False, True, True, False
    ),
    Audience.PUBLIC: AudiencePolicy(
        Audience.PUBLIC, Edition.SUMMARY, False, False, False, False, False
    ),
}


def policy_for(audience: Audience | str) -> AudiencePolicy:
    """The policy of an audience (by value or name)."""
    return POLICIES[Audience(audience)]
