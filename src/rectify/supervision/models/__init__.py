"""Supervision's tables, one module per concern (notifications and the escalation ladder, supervision orders
and interviews, red-flag dismissals, …); every model is imported here so Django finds it."""

from rectify.supervision.models.interviews import (  # noqa: F401
    InterviewFollowUp,
    InterviewKind,
    InterviewParticipant,
    InterviewSession,
    InterviewUnit,
)
from rectify.supervision.models.lookback import (  # noqa: F401
    AssessmentConclusion,
    FalseRectificationAssessment,
    RepeatDecision,
    RepeatNotice,
    RepeatReview,
)
from rectify.supervision.models.orders import (  # noqa: F401
    OrderIssuer,
    OrderKind,
    OrderResponse,
    SupervisionOrder,
)
from rectify.supervision.models.redflags import EvidenceFileFacts, RedFlagDismissal, RedFlagKind  # noqa: F401
