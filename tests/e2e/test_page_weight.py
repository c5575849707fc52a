"""The home page's first load, with an empty cache, weighs under 150 kB compressed (gzip level 6,
as docs/deploy.md sets nginx) and asks nothing of any origin but the app's own."""

import gzip

import pytest

from tests.e2e.conftest import browser_sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"
BUDGET = 150 * 1024


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo, seed_demo_initiatives
    from app.web.filters import local_today

    seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    seed_demo_initiatives(local_today())


@pytest.mark.parametrize("username", ["nhanvien", "thidua", "lanhdao"])
def test_the_home_page_is_light_and_local(browser, live_server, demo, username):
    signed_in = browser.new_context()
    browser_sign_in(signed_in.new_page(), live_server, username, PASSWORD)
    cookies = signed_in.cookies()
    signed_in.close()

    fresh = browser.new_context()  # an empty cache: everything is fetched
    fresh.add_cookies(cookies)
    page = fresh.new_page()
    requested: list[str] = []
    weights: dict[str, int] = {}
    page.on("request", lambda request: requested.append(request.url))

    def weigh(response) -> None:
        body = response.body() if response.status == 200 else b""
        weights[response.url] = len(gzip.compress(body, compresslevel=6)) + 300  # + headers

    page.on("response", weigh)
    page.goto(f"{live_server}/")
    page.wait_for_load_state("networkidle")
    fresh.close()

    assert requested and all(url.startswith(live_server + "/") for url in requested), requested
    total = sum(weights.values())
    assert total < BUDGET, sorted(weights.items(), key=lambda item: -item[1])
