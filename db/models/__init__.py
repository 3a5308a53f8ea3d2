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
from db.models.scheduling import (
    Appointment,
    AppointmentKind,
    AppointmentSeries,
    AppointmentStatus,
    ReminderOutcome,
    TransportBooking,
)

__all__ = [
    "AppSetting",
    "Appointment",
    "AppointmentKind",
    "AppointmentSeries",
    "AppointmentStatus",
    "ReminderOutcome",
    "TransportBooking",
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
