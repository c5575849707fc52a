"""A small HTTP client for preparing the load: sign people in as a browser does (the form's CSRF
token, then the password) and keep their session cookie and the token their forms need."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
_FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Session:
    username: str
    cookie: str  # "session=..."
    token: str  # the CSRF token of this session's forms


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str]


class Client:
    """One keep-alive-less connection per request, like the load generator's."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers=None) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            cookies = {}
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookies[key] = rest.split(";", 1)[0]
            self.cookies.update(cookies)
            headers_out = {name.lower(): value for name, value in response.getheaders()}
            return Reply(response.status, headers_out, data, cookies)
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Reply:
        return self.request("POST", path, form=form, **kwargs)

    def token(self, path: str = "/") -> str:
        reply = self.get(path)
        match = _TOKEN.search(reply.body) or _FORM_TOKEN.search(reply.body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({reply.status})")
        return match.group(1)

    @property
    def session_cookie(self) -> str:
        return f"session={self.cookies['session']}"


def sign_in(base_url: str, username: str, password: str) -> Session:
    """Sign in through the login form; the session afterwards, with a token for its forms."""
    client = Client(base_url)
    token = client.token("/login")
    reply = client.post("/login", {"csrf_token": token, "username": username, "password": password})
    if reply.status != 303:
        raise RuntimeError(f"sign-in of {username} failed: {reply.status}")
    # The session is new after signing in: its token comes from a page of the new session,
    # which stores the token in the session (a new cookie).
    token = client.token("/notifications/")
    return Session(username, client.session_cookie, token)


def login_form(base_url: str, username: str) -> Session:
    """A session that has shown the login form (cookie and token), not signed in: what the
    sign-in journey posts from."""
    client = Client(base_url)
    token = client.token("/login")
    return Session(username, client.session_cookie, token)


def sign_in_all(base_url: str, usernames: list[str], password: str, workers: int = 4) -> dict:
    """{username: Session} for everyone, a few at a time."""
    with ThreadPoolExecutor(workers) as pool:
        sessions = pool.map(lambda name: sign_in(base_url, name, password), usernames)
        return {session.username: session for session in sessions}
