"""The signed-in official of a Streamlit session: a local account or an OIDC identity (`st.login`), mapped to a
role and region, with idle and absolute timeouts. Every sign-in, sign-out and refusal is audited."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from portal import access, data
from portal.accounts import oidc_claims
from portal.db import QueryError

POLICY = access.SessionPolicy()
KEY = "staf"


def oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an identity provider for `st.login`."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _start(scope: access.Scope, method: str) -> None:
    now = time.time()
    st.session_state[KEY] = {"scope": scope, "mulai": now, "terakhir": now, "metode": method}
    data.store().audit(scope.user, "masuk", scope.region, {"metode": method, "peran": scope.role})


def current_scope() -> access.Scope | None:
    """The official signed in to this session, or None; ends the session after idle or absolute timeout."""
    session = st.session_state.get(KEY)
    if session is None and oidc_configured() and st.user.is_logged_in:
        email, subject = oidc_claims(st.user.to_dict())
        scope = data.accounts().scope_for_identity(email, subject)
        if scope is None:
            st.session_state["staf_ditolak"] = email or subject or "?"
            return None
        _start(scope, "oidc")
        session = st.session_state[KEY]
    if session is None:
        return None
    now = time.time()
    state = POLICY.state(session["mulai"], session["terakhir"], now)
    if state != "ok":
        sign_out(reason=state)
        st.session_state["staf_berakhir"] = state
        return None
    if session.get("metode") == "lokal":
        # A disabled account or a changed scope takes effect at once, not at the next sign-in.
        fresh = data.accounts().active_scope(session["scope"].user)
        if fresh != session["scope"]:
            sign_out(reason="akun berubah")
            return None
    session["terakhir"] = now
    return session["scope"]


def sign_in_local(username: str, password: str) -> bool:
    """Check a local account's password (the accounts module audits every attempt) and start a session."""
    scope = data.accounts().verify_login(username, password)
    if scope is None:
        return False
    _start(scope, "lokal")
    return True


def sign_out(reason: str = "keluar") -> None:
    """End the session (and the OIDC login, if that is how the official came in)."""
    session = st.session_state.pop(KEY, None)
    if session is not None:
        scope = session["scope"]
        data.store().audit(scope.user, "keluar", scope.region, {"alasan": reason})
        if session.get("metode") == "oidc" and oidc_configured():
            st.logout()


def require_scope() -> access.Scope:
    """The signed-in official; otherwise a short explanation and a stop, so an internal page shows nothing."""
    scope = current_scope()
    if scope is None:
        st.warning("Halaman ini khusus petugas. Silakan masuk terlebih dahulu.", icon=":material/lock:")
        st.stop()
    return scope


def deny(scope: access.Scope, what: str, region: str) -> None:
    """Refuse, audit the refusal, and stop the page."""
    data.store().audit(scope.user, "ditolak", region, {"halaman": what, "peran": scope.role})
    st.error("Anda tidak memiliki akses ke data ini.", icon=":material/block:")
    st.stop()


@contextmanager
def guard(scope: access.Scope, what: str, region: str, unreadable: str | None = None) -> Iterator[None]:
    """An internal page's reads about `region`: a refusal (AccessDenied) is audited and stops the page (`deny`);
    with `unreadable`, a read that fails (QueryError, or ValueError while shaping its result) shows that message
    and stops the page instead of a traceback."""
    try:
        yield
    except access.AccessDenied:
        deny(scope, what, region)
    except (QueryError, ValueError):
        if unreadable is None:
            raise
        st.error(unreadable)
        st.stop()
