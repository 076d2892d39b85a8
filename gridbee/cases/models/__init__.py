from .case import Case, CaseEvent, CrowdCheck, EventPhoto, Extension, Message
from .evidence import Category, Open311Client, Photo, Report

__all__ = [
    "Case",
    "CaseEvent",
    "Category",
    "CrowdCheck",
    "EventPhoto",
    "Extension",
    "Message",
    "Open311Client",
    "Photo",
    "Report",
]
