"""OAuth client credentials: the token endpoint at both paths, and the bearer check."""

from __future__ import annotations

import base64
import logging
import time
from pathlib import Path

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token, token_form

from .conftest import BYOC_PREFIXES, assert_error, byoc_client, new_collection

TOKEN_PATHS = ("/auth/realms/main/protocol/openid-connect/token", "/oauth/token")


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_token_from_form_credentials(emulator: Emulator, path: str) -> None:
    response = httpx.post(
        emulator.base_url + path,
        data=token_form(emulator),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert isinstance(body["access_token"], str)
    assert body["access_token"].count(".") == 2
    assert response.headers["cache-control"] == "no-store"


def test_token_from_basic_credentials(emulator: Emulator) -> None:
    response = httpx.post(
        emulator.token_url,
        data={"grant_type": "client_credentials"},
        auth=(emulator.client_id, emulator.client_secret),
    )
    assert response.status_code == 200
    with byoc_client(emulator, response.json()["access_token"]) as client:
        assert client.get("/collections").status_code == 200


def test_token_url_is_the_keycloak_path(emulator: Emulator) -> None:
    assert emulator.token_url == emulator.base_url + TOKEN_PATHS[0]


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("emulator-client", "wrong"), ("nobody", "emulator-secret"), ("emulator-client", "")],
)
def test_bad_credentials_are_invalid_client(
    emulator: Emulator, client_id: str, secret: str
) -> None:
    response = httpx.post(
        emulator.token_url,
        data=token_form(emulator, client_id=client_id, client_secret=secret),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"]


def test_missing_credentials_are_invalid_client(emulator: Emulator) -> None:
    response = httpx.post(emulator.token_url, data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_bad_basic_header_is_invalid_client(emulator: Emulator) -> None:
    response = httpx.post(
        emulator.token_url,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    )
    assert response.status_code == 401


def test_wrong_grant_type(emulator: Emulator) -> None:
    response = httpx.post(
        emulator.token_url,
        data=token_form(emulator, grant_type="password"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_missing_grant_type(emulator: Emulator) -> None:
    response = httpx.post(
        emulator.token_url,
        data=token_form(emulator, grant_type=None),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_json_body_is_refused(emulator: Emulator) -> None:
    response = httpx.post(
        emulator.token_url,
        json=token_form(emulator),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("prefix", BYOC_PREFIXES)
@pytest.mark.parametrize(
    "authorization",
    [None, b"Bearer", b"Bearer garbage", b"Basic abc", b"Bearer a.b.c", b"Bearer \xc3\xa9.x.y"],
)
def test_api_needs_a_valid_bearer_token(
    emulator: Emulator, prefix: str, authorization: bytes | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = httpx.get(emulator.base_url + prefix + "/collections", headers=headers)
    assert_error(response, 401, "COMMON_UNAUTHORIZED")


def test_tampered_token_is_refused(emulator: Emulator, token: str) -> None:
    header, claims, signature = token.split(".")
    forged_claims = base64.urlsafe_b64encode(
        base64.urlsafe_b64decode(claims + "==").replace(b'"exp":', b'"exp":9')
    ).rstrip(b"=")
    for forged in (f"{header}.{forged_claims.decode()}.{signature}", token[:-2] + "xx"):
        with byoc_client(emulator, forged) as client:
            assert_error(client.get("/collections"), 401, "COMMON_UNAUTHORIZED")


def test_token_expires(tmp_path: Path) -> None:
    with Emulator(tmp_path, token_ttl=0.6) as emu:
        response = httpx.post(emu.token_url, data=token_form(emu))
        assert response.json()["expires_in"] == 1  # whole seconds, rounded up
        with byoc_client(emu, response.json()["access_token"]) as client:
            assert client.get("/collections").status_code == 200
            time.sleep(0.8)
            assert_error(client.get("/collections"), 401, "COMMON_UNAUTHORIZED")


def test_configured_credentials(tmp_path: Path) -> None:
    with Emulator(tmp_path, client_id="me", client_secret="s3cret") as emu:
        assert (emu.client_id, emu.client_secret) == ("me", "s3cret")
        fetch_token(emu, "me", "s3cret")
    # A restart with another secret replaces the old one.
    with Emulator(tmp_path, client_id="me", client_secret="other") as emu:
        fetch_token(emu, "me", "other")
        response = httpx.post(emu.token_url, data=token_form(emu, client_secret="s3cret"))
        assert response.status_code == 401


def test_other_accounts_get_403_and_do_not_see_collections(
    emulator: Emulator, api: httpx.Client
) -> None:
    mine = new_collection(api, name="private-to-the-first-account")
    emulator.add_client("intruder", "intruder-secret")
    with byoc_client(emulator, fetch_token(emulator, "intruder", "intruder-secret")) as other:
        cid = mine["id"]
        assert_error(other.get(f"/collections/{cid}"), 403, "COMMON_INSUFFICIENT_PERMISSIONS")
        assert_error(
            other.put(f"/collections/{cid}", json={"name": "x", "s3Bucket": "y"}),
            403,
            "COMMON_INSUFFICIENT_PERMISSIONS",
        )
        assert_error(other.delete(f"/collections/{cid}"), 403, "COMMON_INSUFFICIENT_PERMISSIONS")
        assert_error(other.get(f"/collections/{cid}/tiles"), 403, "COMMON_INSUFFICIENT_PERMISSIONS")
        listed = other.get("/collections").json()["data"]
        assert cid not in [c["id"] for c in listed]
    assert api.get(f"/collections/{mine['id']}").status_code == 200


def test_clients_of_one_account_share_collections(emulator: Emulator, api: httpx.Client) -> None:
    mine = new_collection(api, name="shared")
    account = mine["accountId"]
    emulator.add_client("colleague", "colleague-secret", account_id=account)
    with byoc_client(emulator, fetch_token(emulator, "colleague", "colleague-secret")) as other:
        assert other.get(f"/collections/{mine['id']}").status_code == 200


def test_secrets_and_tokens_never_reach_the_log(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        token = fetch_token(emulator)
        with byoc_client(emulator, token) as client:
            client.get("/collections")
            client.get("/collections/not-a-uuid")
        httpx.post(emulator.token_url, data=token_form(emulator, client_secret="wrong-1"))
    assert token not in caplog.text
    assert emulator.client_secret not in caplog.text
    assert "wrong-1" not in caplog.text
