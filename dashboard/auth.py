"""Who is calling: bearer tokens for machines, the login session for browsers, and role checks on the server."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, Protocol

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.scoped import app_context
from dashboard.settings import ApiTokenConfig, Role

P = ParamSpec("P")
View = Callable[P, ResponseReturnValue]


class Account(Protocol):
    """A person who may log in (dashboard.users.UserEntry, or auth.users[] of the configuration)."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def password_hash(self) -> str: ...

    @property
    def display_name(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a logged-in user or an API token."""

    name: str
    role: Role
    via: str  # "token" or "session"


def offers_token(header: str | None) -> bool:
    """True when an `Authorization` header uses the Bearer scheme (case-insensitive, RFC 7235): COC's tokens.
    Other schemes (Basic from a reverse proxy) are not COC credentials and are ignored."""
    return header is not None and header.split(" ", 1)[0].lower() == "bearer"


def principal_from_token(header: str | None, tokens: Iterable[ApiTokenConfig]) -> Principal | None:
    """Match `Authorization: Bearer <token>` against the configured tokens in constant time."""
    if header is None or not offers_token(header):
        return None
    offered = header.split(" ", 1)[1].strip().encode() if " " in header else b""
    if not offered:
        return None
    found: Principal | None = None
    for item in tokens:  # compare with every token so timing does not tell which one matched
        if hmac.compare_digest(offered, item.token.encode()) and found is None:
            found = Principal(item.name, Role(item.role), "token")
    return found


def current_principal() -> Principal | None:
    """The caller of this request, from its bearer token or its login session."""
    if "principal" in g:
        known: Principal | None = g.principal
        return known
    ctx = app_context()
    header = request.headers.get("Authorization")
    principal = None
    if offers_token(header):  # a wrong token is a wrong token: never a fall back to the login session
        principal = principal_from_token(header, ctx.config.auth.api_tokens)
    elif getattr(current_user, "is_authenticated", False):
        principal = Principal(current_user.id, Role(current_user.role), "session")
    g.principal = principal
    return principal


def require_roles(*roles: Role) -> Callable[[View[P]], View[P]]:
    """Decorate an API view: 401 without credentials, 403 when the caller's role is not listed."""
    allowed = set(roles) or set(Role)

    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            principal = current_principal()
            if principal is None:
                return jsonify(error="unauthorized", message="Cần đăng nhập hoặc token / login or token required"), 401
            if principal.role not in allowed:
                return jsonify(error="forbidden", message="Không đủ quyền / role not allowed"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorate


ALL_ROLES = tuple(Role)

# A real hash checked when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("coc-dummy-password", method="scrypt")


def hash_password(plain: str) -> str:
    """A werkzeug scrypt hash for `auth.users[].password_hash` (used by `run_coc.py hash-password`)."""
    return generate_password_hash(plain, method="scrypt")


class SessionUser(UserMixin):  # type: ignore[misc]  # flask_login ships no types (UserMixin untyped)
    """A person logged in to the pages (Flask-Login's user object); `id` is the user name."""

    def __init__(self, username: str, role: Role, display_name: str | None = None) -> None:
        self.id = username
        self.role = Role(role)
        self.display_name = display_name or username


def find_user(users: Iterable[Account], username: str) -> SessionUser | None:
    """The configured user with this name, as a session user."""
    for item in users:
        if item.username == username:
            return SessionUser(item.username, item.role, item.display_name)
    return None


def check_login(users: Iterable[Account], username: str, password: str) -> SessionUser | None:
    """The user when the password matches its hash; None otherwise (same work for unknown names)."""
    entry = next((u for u in users if u.username == username), None)
    try:
        ok = check_password_hash(entry.password_hash if entry else _DUMMY_HASH, password)
    except ValueError:  # a malformed hash in the configuration never lets anyone in
        ok = False
    if entry is None or not ok:
        return None
    return SessionUser(entry.username, entry.role, entry.display_name)
