"""Static files under names that change with their content: every url_for("static") gets
`?v=` and the first 12 hex digits of the file's SHA-256, so a browser (or nginx) may keep it for
a year and still never serves an old copy after an upgrade."""

import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600


class Versions:
    """The content hash of each static file, read once; with `watch` (the debug server), again
    when the file changes. Deployed, the files change only with an upgrade, which restarts the
    workers: no file is looked at again for each of a page's static links."""

    def __init__(self, folder: str, watch: bool = False):
        self.folder = Path(folder)
        self.watch = watch
        self._known: dict[str, tuple[float, str]] = {}
        # Each name's path inside the folder (None outside it), resolved once: resolving walks
        # every component of the path, for each of the page's dozen static links.
        self._paths: dict[str, Path | None] = {}

    def _path(self, filename: str) -> Path | None:
        if filename not in self._paths:
            path = (self.folder / filename).resolve()
            self._paths[filename] = path if path.is_relative_to(self.folder.resolve()) else None
        return self._paths[filename]

    def of(self, filename: str) -> str | None:
        known = self._known.get(filename)
        if known is not None and not self.watch:
            return known[1]
        path = self._path(filename)
        if path is None or not path.is_file():
            return None
        mtime = path.stat().st_mtime
        if known is None or known[0] != mtime:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            known = self._known[filename] = (mtime, digest)
        return known[1]


def register(app: Flask) -> None:
    versions = Versions(app.static_folder, watch=app.debug)

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = versions.of(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response):
        """A static file asked for by its current version is cached for a year, immutable."""
        if request.endpoint == "static" and response.status_code == 200:
            filename = (request.view_args or {}).get("filename", "")
            version = request.args.get("v")
            if version and version == versions.of(filename):
                response.cache_control.public = True
                response.cache_control.max_age = YEAR
                response.cache_control.immutable = True
                response.expires = None
        return response
