"""Render a whole page, or for an htmx request only the named block of it."""

from flask import render_template, request
from jinja2_fragments.flask import render_block, render_blocks


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render(template: str, block: str | tuple[str, ...] | None = None, status: int = 200, **context):
    """The page, or for an htmx request only `block` (several blocks, the later ones swapped
    out of band, when it is a tuple); `status` 422 for a rejected form."""
    if block and is_htmx():
        if isinstance(block, tuple):
            return render_blocks(template, list(block), **context), status
        return render_block(template, block, **context), status
    return render_template(template, **context), status
