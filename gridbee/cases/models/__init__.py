from .case import Case, CaseEvent, CrowdCheck, EventPhoto, Extension, Message
from .evidence import Category, Open311Client, Photo, Report
from .linkage import CaseSupport, LinkageChannel

__all__ = [
    "Case",
    "CaseEvent",
    "CaseSupport",
    "Category",
    "CrowdCheck",
    "EventPhoto",
    "Extension",
    "LinkageChannel",
    "Message",
    "Open311Client",
    "Photo",
    "Report",
]
