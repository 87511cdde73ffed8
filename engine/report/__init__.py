"""The typed report: `build_report(result, audience)` → `Report`, which every human format lays out."""

from engine.report.audience import Audience, AudiencePolicy, policy_for
from engine.report.build import build_report, plan_actions
from engine.report.model import Report

__all__ = ["Audience", "AudiencePolicy", "Report", "build_report", "plan_actions", "policy_for"]
