"""The production endpoint: formats, access rules, the dashboard and the Flask app.

:mod:`allgreen.web.endpoint` turns a request's path, query and headers into a
response without any web framework, so the Flask blueprint here and the Django
and FastAPI integrations give the same pages.
"""
