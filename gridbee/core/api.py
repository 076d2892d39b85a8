from django.db import connection
from ninja import Router, Schema

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", response=HealthOut, summary="Liveness and database check")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
