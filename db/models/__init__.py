"""All models, imported here so that Base.metadata knows every table.

Each capability keeps its models in its own module; add the import below.
"""

from db.base import Base
from db.models.core import (
    AppSetting,
    AuditEvent,
    LivingSituation,
    OwnerKind,
    Patient,
    RecordStatus,
    Role,
    Task,
    TaskPriority,
    TaskStatus,
    User,
)
from db.models.intake import (
    AssessmentResponse,
    ClinicDefinition,
    Intake,
    IntakeStatus,
    IntakeSuggestion,
    SuggestionStatus,
)

__all__ = [
    "AssessmentResponse",
    "ClinicDefinition",
    "Intake",
    "IntakeStatus",
    "IntakeSuggestion",
    "SuggestionStatus",
    "AppSetting",
    "AuditEvent",
    "Base",
    "LivingSituation",
    "OwnerKind",
    "Patient",
    "RecordStatus",
    "Role",
    "Task",
    "TaskPriority",
    "TaskStatus",
    "User",
]

# Care plans (issue 4).
from db.models.care_plans import (  # noqa: E402
    Achievement,
    CarePlan,
    CarePlanReview,
    CarePlanTemplateVersion,
    CareTeamMember,
    CareTransition,
    ChecklistState,
    ConcernKind,
    DischargeItem,
    Goal,
    GoalLifecycle,
    GoalOptionDiscussion,
    GoalProgress,
    LtcPlacement,
    PlacementStatus,
    PlanConcern,
    PlanStatus,
    SaidBy,
    TeachBack,
    TeachMethod,
    TeachResult,
    TeamRole,
    TransitionStatus,
)

__all__ += [
    "Achievement",
    "CarePlan",
    "CarePlanReview",
    "CarePlanTemplateVersion",
    "CareTeamMember",
    "CareTransition",
    "ChecklistState",
    "ConcernKind",
    "DischargeItem",
    "Goal",
    "GoalLifecycle",
    "GoalOptionDiscussion",
    "GoalProgress",
    "LtcPlacement",
    "PlacementStatus",
    "PlanConcern",
    "PlanStatus",
    "SaidBy",
    "TeachBack",
    "TeachMethod",
    "TeachResult",
    "TeamRole",
    "TransitionStatus",
]
