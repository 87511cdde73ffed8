"""The typed report: `engine.report.build.build_report(result, audience)` → `Report`.

Every human format lays the report out; the machine formats take only the action plan
(`plan_actions`), so this package's front imports nothing else.
"""

from engine.report.audience import Audience, AudiencePolicy, policy_for
from engine.report.plan import plan_actions

__all__ = ["Audience", "AudiencePolicy", "plan_actions", "policy_for"]
