"""Accounts fixtures: a user store with cheap argon2 parameters, and a small app behind
`install_auth` with one page per kind of request the review UI serves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from watchkeeper.accounts import (
    LoginLimiter,
    Passwords,
    Role,
    UserStore,
    WebSessions,
    current_user,
    install_auth,
    require_role,
)
from watchkeeper.events import Event, ReviewEvent

ALICE_PASSWORD = "correct horse battery"
ROOT_PASSWORD = "admin password 123"


def fast_passwords() -> Passwords:
    """Argon2id with the smallest parameters, so a test signs in in milliseconds."""
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


class Recorder:
    """Collects what `install_auth` records, like the ledger would."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, events: Sequence[Event]) -> object:
        self.events.extend(events)
        return None

    def reviews(self, action: str) -> list[ReviewEvent]:
        """The recorded review events with `action`."""
        return [e for e in self.events if isinstance(e, ReviewEvent) and e.action == action]


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    """A store holding reviewer `alice` and admin `root`."""
    store = UserStore(tmp_path / "users.json", passwords=fast_passwords())
    store.add("alice", Role.REVIEWER, ALICE_PASSWORD)
    store.add("root", Role.ADMIN, ROOT_PASSWORD)
    return store


@pytest.fixture
def sessions() -> WebSessions:
    """Sessions with the default timeouts."""
    return WebSessions()


@pytest.fixture
def limiter() -> LoginLimiter:
    """The default limiter: 5 failures in 15 minutes lock for 15 minutes."""
    return LoginLimiter()


@pytest.fixture
def recorder() -> Recorder:
    """What the app recorded."""
    return Recorder()


async def _whoami(request: Request) -> Response:
    user = current_user(request)
    return JSONResponse(
        {"name": user.name, "role": str(user.role), "csrf": request.state.csrf_token}
    )


async def _approve(request: Request) -> Response:
    form = await request.form()
    return PlainTextResponse(f"approved {form.get('id')} by {current_user(request).name}")


async def _policy(request: Request) -> Response:
    return PlainTextResponse(f"policy changed by {require_role(request, Role.ADMIN).name}")


async def _agent_api(request: Request) -> Response:
    if not request.headers.get("authorization", "").startswith("Bearer wk_"):
        return JSONResponse({"error": "missing bearer token"}, status_code=401)
    return JSONResponse({"decision": "allow"})


def build_app(
    users: UserStore, sessions: WebSessions, limiter: LoginLimiter, recorder: Recorder
) -> Starlette:
    """A small app: pages `/`, `/approve`, `/policy` and an agent endpoint `/v1/decide`."""
    app = Starlette(
        routes=[
            Route("/", _whoami),
            Route("/approve", _approve, methods=["POST"]),
            Route("/policy", _policy, methods=["POST"]),
            Route("/v1/decide", _agent_api, methods=["POST"]),
        ]
    )
    install_auth(app, users, sessions, limiter, recorder)
    return app


@pytest.fixture
def client(
    users: UserStore, sessions: WebSessions, limiter: LoginLimiter, recorder: Recorder
) -> Iterator[TestClient]:
    """A client of the small app that does not follow redirects."""
    with TestClient(
        build_app(users, sessions, limiter, recorder), follow_redirects=False
    ) as test_client:
        yield test_client


def login_token(client: TestClient) -> str:
    """GET /login and return the form's CSRF token."""
    page = client.get("/login")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


def sign_in(
    client: TestClient, username: str = "alice", password: str = ALICE_PASSWORD, **extra: str
) -> httpx.Response:
    """Sign in through the form and return the `POST /login` response."""
    token = login_token(client)
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data)
