"""A service using PostgreSQL and Redis: `pytest --allgreen examples/service/allgood.py`."""

import os

from allgreen import check, checks

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@check("PostgreSQL answers a query", tags=["readiness"])
def database():
    checks.sql_query(DATABASE_URL, "SELECT 1", expected=1, max_ms=500)


@check("Redis answers and keeps what it is given", tags=["readiness"])
def cache():
    checks.redis_ping(REDIS_URL, round_trip=True)


@check("The data volume has room", critical=False)
def disk():
    checks.disk_usage_below(90, "/")
