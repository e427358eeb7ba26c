"""Template tags of the Django dashboard, borrowed from the Jinja2 page so both look the same.

``{% allgreen_icon "passed" %}`` renders the Jinja2 icon macro and
``{% allgreen_asset "_style.css" %}`` the shared stylesheet or script: one
source for both engines, no copy.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from allgreen.web.dashboard import environment, format_duration, format_moment

register = template.Library()

#: The partials that may be inlined.
ASSETS = ("_style.css", "_script.js")
UNKNOWN_ASSET = "allgreen_asset {name!r} is not one of: {known}"

register.filter("duration", format_duration)
register.filter("moment", format_moment)


@register.simple_tag
def allgreen_icon(name: str) -> SafeString:
    """Return the inline SVG icon ``name`` (the same macro as the Jinja2 page)."""
    icon = environment().get_template("allgreen/_icons.html").module.icon  # type: ignore[attr-defined]
    return mark_safe(str(icon(name)))


@register.simple_tag
def allgreen_asset(name: str) -> SafeString:
    """Return the stylesheet or script shared with the Jinja2 page, to inline it."""
    if name not in ASSETS:
        raise template.TemplateSyntaxError(UNKNOWN_ASSET.format(name=name, known=", ".join(ASSETS)))
    return mark_safe(environment().get_template(f"allgreen/{name}").render())
