from .accounts import ApiToken, User
from .enrolment import Application, ApplicationStep
from .orgs import Company, Department, Industry, Station
from .partners import Certificate, GridBinding, Partner, PartnerEvent
from .teams import Team, TeamMember

__all__ = [
    "ApiToken",
    "Application",
    "ApplicationStep",
    "Certificate",
    "Company",
    "Department",
    "GridBinding",
    "Industry",
    "Partner",
    "PartnerEvent",
    "Station",
    "Team",
    "TeamMember",
    "User",
]
