from .activities import Activity, Signup, VolunteerCertificate
from .inbox import Notice
from .rules import RuleChange, TeamRule
from .stations import ServicePoint, StationPhoto, StationReport

__all__ = [
    "Activity",
    "Notice",
    "RuleChange",
    "ServicePoint",
    "Signup",
    "StationPhoto",
    "StationReport",
    "TeamRule",
    "VolunteerCertificate",
]
