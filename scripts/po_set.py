"""Set translations in a catalog from a JSON object {msgid: msgstr} on standard input.

    python scripts/po_set.py vi < strings.json

Plural entries take a list of msgstr forms. Unknown msgids are added, so run `make messages`
first or after. Prints the msgids of the catalog that are still untranslated.
"""

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGS = Path(__file__).resolve().parent.parent / "app" / "translations"


def main() -> int:
    locale = sys.argv[1]
    path = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
    strings = json.load(sys.stdin)
    with open("/tmp/thidua-i18n.lock", "w") as lock:  # the lock `make messages` takes too
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _update(path, locale, strings)


def _update(path: Path, locale: str, strings: dict) -> int:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    for msgid, msgstr in strings.items():
        message = catalog.get(msgid)
        if message is None:
            catalog.add(msgid, msgstr)
        else:
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
            message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True, no_location=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
