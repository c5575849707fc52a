"""End-to-end fixtures: the app on a live server on 127.0.0.1, Debian's Chromium, axe checks.

Without Chromium the tests skip with a message, except under CI, where that is a failure.
"""

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = (
            f"Chromium not found at {CHROMIUM}: end-to-end tests need Debian's browser "
            "(apt-get install -y chromium), or CHROMIUM_PATH pointing at one."
        )
        if os.environ.get("CI"):
            pytest.fail(message + " Under CI a missing browser is a failure.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "vi-VN"}


@pytest.fixture
def live_server(app):
    """The test's app served by a threaded server on a free port of 127.0.0.1."""
    # The browser keeps static files for the test instead of revalidating them: werkzeug's
    # 304 answer to a revalidation drops the opened file unclosed, a ResourceWarning that
    # filterwarnings=error turns into a failure of whichever test is running.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def browser_sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def assert_accessible(page, name: str = "") -> None:
    """Fail on any axe-core violation (WCAG 2.1 AA and best practices)."""
    # A button just clicked is still hovered and mid-transition (Bootstrap's .15 s): axe would
    # read its colours halfway. Move the pointer off and let the transitions end first.
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    results = _axe.run(page)
    assert results.violations_count == 0, f"{name or page.url}\n{results.generate_report()}"


def screenshot(page, name: str) -> None:
    """Save the page at desktop width (whole page) and the first screen at 375 px."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"{name}-375.png"))
    page.set_viewport_size(DESKTOP)
