"""Static files carry their content's hash in their URL and are then cached for a year; an old
or missing hash is not (an upgrade never leaves a browser on yesterday's script)."""

import hashlib
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


def _version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_pages_link_static_files_by_their_content_hash(client):
    page = client.get("/login").get_data(as_text=True)
    links = dict(re.findall(r"/static/([\w/.-]+)\?v=([0-9a-f]{12})", page))
    assert {"css/app.css", "js/app.js", "vendor/htmx/htmx.min.js"} <= set(links)
    for name, version in links.items():
        assert version == _version(name), name


def test_the_current_version_is_cached_for_a_year(client):
    response = client.get(f"/static/css/app.css?v={_version('css/app.css')}")
    try:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable
    finally:
        response.close()


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=../../app"])
def test_another_version_is_not_kept(client, query):
    response = client.get(f"/static/css/app.css{query}")
    try:
        assert response.status_code == 200
        assert response.cache_control.max_age != 365 * 24 * 3600
        assert not response.cache_control.immutable
    finally:
        response.close()


@pytest.mark.parametrize("watch", [False, True])
def test_a_changed_file_gets_a_new_version_only_on_the_debug_server(tmp_path, watch):
    """Deployed, a file is hashed once (an upgrade restarts the workers); the debug server
    hashes it again when it changes."""
    import os

    from app.web.assets import Versions

    script = tmp_path / "app.js"
    script.write_text("one();")
    versions = Versions(str(tmp_path), watch=watch)
    first = versions.of("app.js")
    assert first == hashlib.sha256(b"one();").hexdigest()[:12]
    script.write_text("two();")
    os.utime(script, (1, 1))
    expected = hashlib.sha256(b"two();").hexdigest()[:12] if watch else first
    assert versions.of("app.js") == expected
    assert versions.of("../outside.js") is None and versions.of("missing.js") is None
