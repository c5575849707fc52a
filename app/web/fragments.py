"""Parts of a page drawn once per process for the same inputs: a long part that many people
read alike (a survey's results by question) is kept, as drawn, under everything it is drawn
from.

The key is the whole input, not a version of it: the caller passes the values the part shows
(plain data, not ORM objects), and the language and the app's mount point are added here, so a
kept part is never out of date; a change of any shown value draws it again. Kept per worker
process (under a lock, for a threaded server), the least recently used dropped when they
come to more than MAX_CHARACTERS together.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import request
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from app.web.i18n import current_locale

MAX_CHARACTERS = 4_000_000

_kept: OrderedDict[tuple, Markup] = OrderedDict()
_lock = threading.Lock()
_size = 0  # the characters kept


def drawn(name: str, inputs: tuple, draw: Callable[[], str]) -> Markup:
    """draw(), or what it gave for the same name and inputs in this language before."""
    key = (name, current_locale(), request.script_root, inputs)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    part = Markup(draw())
    global _size
    with _lock:
        if key not in _kept:
            _kept[key] = part
            _size += len(part)
        while _size > MAX_CHARACTERS:
            _size -= len(_kept.popitem(last=False)[1])
    return part


def block(template: str, name: str, inputs: tuple, **context) -> Markup:
    """A template's block drawn with `context`, kept under `inputs`: everything the block
    shows (its page passes the result back and shows it in place of the block)."""
    return drawn(f"{template}#{name}", inputs, lambda: render_block(template, name, **context))


def clear() -> None:
    global _size
    with _lock:
        _kept.clear()
        _size = 0
