"""Staff accounts and logged-in console clients for the tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from hotline.clock import Clock
from hotline.services import Services
from hotline.staff.accounts import add_account
from hotline.staff.models import StaffRole

PASSWORD = "richtig-langes-passwort"


def add_staff(
    svc: Services,
    clock: Clock,
    email: str,
    role: StaffRole = StaffRole.COUNSELLOR,
    *,
    counsellor: str | None = None,
    password: str = PASSWORD,
) -> int:
    with svc.database.transaction() as session:
        account = add_account(
            session,
            svc.cipher,
            clock.now(),
            email=email,
            role=role,
            password=password,
            counsellor_name=counsellor,
        )
        return account.id


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/staff/login").get_data(as_text=True)
    return client.post(
        "/staff/login",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def post_form(client: FlaskClient, page_url: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST `data` to `action` with the CSRF token of the page at `page_url`."""
    page = client.get(page_url).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_token(page), **data})
