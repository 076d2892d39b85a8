"""The shape of the API role matrix (test_api_matrix.py): roles, and one Op per operation.
Other apps list their rows in modules of their own that build on this one."""

from dataclasses import dataclass, field

# The fixture's partner is also a sub-captain (分队长): as a squad lead they see their squad.
ROLES = [
    "anonymous",
    "partner",
    "team_lead",
    "station",
    "operator",
    "department",
    "reviewer",
    "admin",
    "far_reviewer",
    "far_station",
]
LOGGED_IN = [r for r in ROLES if r != "anonymous"]
EVERYONE = ROLES


@dataclass
class Op:
    method: str
    path: str  # with {placeholders} filled from the county
    allowed: dict[str, int]  # role -> status when allowed (or scoped out: 404, empty lists)
    body: object = None  # a dict, or county -> dict
    prepare: object = None  # county -> None, run before the snapshot
    denied: dict[str, int] = field(default_factory=dict)  # role -> status other than 403/401
    multipart: bool = False
    steps: object = None  # a BY_STEP row's step table (its case kind's); None: photo reports'

    def expected(self, role: str) -> int:
        if role in self.allowed:
            return self.allowed[role]
        if role in self.denied:
            return self.denied[role]
        return 401 if role == "anonymous" else 403


def only(status: int, roles) -> dict[str, int]:
    return dict.fromkeys(roles, status)


FAR = ["far_reviewer", "far_station"]
