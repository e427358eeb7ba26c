"""The allgood.py sources the Django tests serve."""

MIXED = """
from allgreen import check, expect

@check("Answer is <script>alert('description')</script> 42", tags=["readiness"])
def answer():
    expect(6 * 7).to_eq(42)

@check("Settings match", tags=["readiness", "db"])
def settings():
    expect({"pool": 5}).to_eq({"pool": 10})

@check("Only in production", only="production")
def prod_only():
    pass

@check("Cache answers", critical=False, tags=["cache"])
def cache():
    raise ConnectionError("<script>alert('message')</script> postgresql://user:secret@host/db")
"""

PASSING = """
from allgreen import check

@check("Always fine", tags=["readiness"])
def fine():
    pass
"""
