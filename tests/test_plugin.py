"""The pytest plugin: fixtures in fresh test files (pytester), isolation, xdist, errors, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import assert_error
from tpc_mock.pytest_plugin import TpcMock

pytest_plugins = ["pytester"]

PAGES = "/api/v1/site/pages"
LIST: dict[str, str | int] = {"productId": "product_123", "pageSize": 100}
SEED = Path(__file__).resolve().parents[1] / "seed" / "default.json"


@pytest.fixture
def strict(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project whose warnings are errors, like this one."""
    pytester.makeini("[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider\n")
    return pytester


# -- in fresh test files ------------------------------------------------------------
def test_fixture_works_in_a_fresh_test_file(strict: pytest.Pytester) -> None:
    strict.makepyfile("""
        import requests

        def test_list_pages(tpc_mock):
            key = tpc_mock.fixtures["apiKeys"][0]["key"]
            r = requests.get(tpc_mock.url + "/api/v1/site/pages",
                             params={"productId": "product_123"}, headers={"x-api-key": key})
            assert r.status_code == 200
            assert r.json()["data"]["scope"]["organization"]["id"] == "org_123"
            assert tpc_mock.url.startswith("http://127.0.0.1:")
    """)
    strict.runpytest().assert_outcomes(passed=1)


def test_state_is_isolated_between_tests(strict: pytest.Pytester) -> None:
    strict.makepyfile("""
        import requests

        def titles(tpc_mock, key):
            r = requests.get(tpc_mock.url + "/api/v1/site/pages", headers={"x-api-key": key},
                             params={"productId": "product_123", "pageSize": 100})
            return {p["title"] for p in r.json()["data"]["items"]}

        def test_1_creates_a_page(tpc_mock):
            key = tpc_mock.api_key(scopes=["content:read", "content:write"])
            r = requests.post(tpc_mock.url + "/api/v1/site/pages", headers={"x-api-key": key},
                              json={"productId": "product_123", "pages": [
                                  {"slug": "leak", "title": "Leaked", "content": "# x"}]})
            assert r.status_code == 200, r.text
            assert "Leaked" in titles(tpc_mock, key)
            tpc_mock.fault("/api/v1/me", 503)
            tpc_mock.advance(86400 * 30)

        def test_2_does_not_see_it(tpc_mock):
            key = tpc_mock.fixtures["apiKeys"][0]["key"]
            assert "Pricing" in titles(tpc_mock, key)
            assert "Leaked" not in titles(tpc_mock, key)
            assert [e["status"] for e in tpc_mock.requests()] == [200, 200]
            assert tpc_mock.runtime.faults == []
            assert abs(tpc_mock.advance(0).timestamp() - __import__("time").time()) < 60
    """)
    strict.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_xdist_workers_get_separate_servers(strict: pytest.Pytester, tmp_path: Path) -> None:
    out = tmp_path / "urls"
    out.mkdir()
    body = f"""
        import os, pathlib, requests

        def record(tpc_mock, name):
            assert requests.get(tpc_mock.url + "/__mock/clock").status_code == 200
            worker = os.environ["PYTEST_XDIST_WORKER"]
            pathlib.Path({str(out)!r}, name).write_text(worker + " " + tpc_mock.url)

        def test_one(tpc_mock):
            record(tpc_mock, __name__ + ".one")

        def test_two(tpc_mock):
            record(tpc_mock, __name__ + ".two")
    """
    strict.makepyfile(test_left=body, test_right=body)
    # pytest-benchmark (when installed) warns under xdist, and warnings are errors here.
    result = strict.runpytest_subprocess("-n", "2", "--dist", "loadfile", "-p", "no:benchmark")
    result.assert_outcomes(passed=4)
    seen = {p.name: p.read_text().split() for p in out.iterdir()}
    assert len(seen) == 4
    left, right = seen["test_left.one"], seen["test_right.one"]
    assert seen["test_left.two"] == left and seen["test_right.two"] == right  # one per session
    assert left[0] != right[0]  # different workers...
    assert left[1].rsplit(":", 1)[1] != right[1].rsplit(":", 1)[1]  # ...on different ports


# -- server errors surface in the failing test ---------------------------------------
def test_unhandled_exception_in_the_server_fails_the_test(strict: pytest.Pytester) -> None:
    strict.makepyfile("""
        import requests

        def test_boom(tpc_mock, monkeypatch):
            def boom(*args, **kwargs):
                raise RuntimeError("boom in the store")

            monkeypatch.setattr(tpc_mock.runtime.store, "find", boom)
            key = tpc_mock.fixtures["apiKeys"][0]["key"]
            r = requests.get(tpc_mock.url + "/api/v1/site/pages",
                             params={"productId": "product_123"}, headers={"x-api-key": key})
            assert r.status_code == 500

        def test_next_one_is_clean(tpc_mock):
            assert requests.get(tpc_mock.url + "/api/v1/me").status_code == 401
    """)
    result = strict.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_boom*",
        "*tpc-mock server error during the test*",
        "*unhandled error on GET /api/v1/site/pages*",
        "*RuntimeError: boom in the store*",
    ])


def test_dead_server_thread_fails_the_test_and_the_next(strict: pytest.Pytester) -> None:
    strict.makepyfile("""
        def test_thread_dies(tpc_mock):
            tpc_mock.server.error = OSError("listening socket vanished")

        def test_after(tpc_mock):
            pass
    """)
    result = strict.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_thread_dies*", "*tpc-mock server thread died*",
        "*OSError: listening socket vanished*", "*ERROR at setup of test_after*",
    ])


# -- options and ini settings ---------------------------------------------------------
def test_rate_limit_option(strict: pytest.Pytester) -> None:
    strict.makepyfile("""
        import requests

        def test_limited(tpc_mock):
            key = tpc_mock.fixtures["apiKeys"][0]["key"]
            statuses = [requests.get(tpc_mock.url + "/api/v1/site/pages", headers={"x-api-key": key},
                                     params={"productId": "product_123"}).status_code
                        for _ in range(3)]
            assert statuses == [200, 200, 429]
            assert tpc_mock.runtime.config.rate_limit == (2, 60)
    """)
    strict.runpytest("--tpc-mock-rate-limit", "2/60").assert_outcomes(passed=1)


def test_ini_settings_seed_secret_and_cors(strict: pytest.Pytester) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    seed["tables"]["organizations"]["org_123"]["name"] = "Custom Org"
    strict.mkdir("seeds")
    (strict.path / "seeds" / "custom.json").write_text(json.dumps(seed), encoding="utf-8")
    strict.makeini("""
        [pytest]
        filterwarnings = error
        tpc_mock_seed = seeds/custom.json
        tpc_mock_secret = s3cret-for-tests
        tpc_mock_cors_origins =
            http://app.test:8080
    """)
    strict.makepyfile("""
        import requests
        from tpc_mock.auth.secrets import sign_cookie_value

        def test_configured(tpc_mock):
            orgs = {o["id"]: o["name"] for o in tpc_mock.fixtures["organizations"]}
            assert orgs["org_123"] == "Custom Org"
            session = tpc_mock.fixtures["sessions"][0]
            assert session["cookie"].endswith(sign_cookie_value("s3cret-for-tests", session["token"]))
            preflight = {"Access-Control-Request-Method": "GET"}
            ok = requests.options(tpc_mock.url + "/api/v1/me",
                                  headers={"Origin": "http://app.test:8080", **preflight})
            assert ok.headers["Access-Control-Allow-Origin"] == "http://app.test:8080"
            other = requests.options(tpc_mock.url + "/api/v1/me",
                                     headers={"Origin": "http://localhost:3000", **preflight})
            assert "Access-Control-Allow-Origin" not in other.headers
    """)
    strict.runpytest().assert_outcomes(passed=1)


def test_command_line_overrides_the_ini(strict: pytest.Pytester) -> None:
    strict.makeini("[pytest]\nfilterwarnings = error\ntpc_mock_secret = from-ini\n"
                   "tpc_mock_rate_limit = 5/60\n")
    strict.makepyfile("""
        def test_config(tpc_mock):
            config = tpc_mock.runtime.config
            assert (config.secret, config.rate_limit) == ("from-cli", (5, 60))
            assert config.cors_origins == ("http://a.test", "http://b.test")
    """)
    strict.runpytest("--tpc-mock-secret", "from-cli", "--tpc-mock-cors-origin", "http://a.test",
                     "--tpc-mock-cors-origin", "http://b.test").assert_outcomes(passed=1)


def test_conftest_can_override_tpc_mock_config(strict: pytest.Pytester) -> None:
    strict.makeconftest("""
        import pytest

        @pytest.fixture(scope="session")
        def tpc_mock_config():
            return {"journal_size": 2, "in_memory": False}
    """)
    strict.makepyfile("""
        import requests

        def test_journal_is_short(tpc_mock):
            for n in range(3):
                requests.get(f"{tpc_mock.url}/api/v1/nowhere/{n}")
            assert [e["path"] for e in tpc_mock.requests()] == [
                "/api/v1/nowhere/1", "/api/v1/nowhere/2"]
            assert tpc_mock.runtime.config.data is None  # always in memory
    """)
    strict.runpytest().assert_outcomes(passed=1)


def test_bad_option_is_reported(strict: pytest.Pytester) -> None:
    strict.makepyfile("def test_any(tpc_mock):\n    pass\n")
    result = strict.runpytest("--tpc-mock-rate-limit", "lots")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*tpc-mock: rate limit 'lots' is not N/SECONDS*"])


def test_plugin_imports_nothing_heavy() -> None:
    code = ("import sys, tpc_mock.pytest_plugin\n"
            "heavy = [m for m in ('flask', 'waitress', 'tinydb', 'requests', 'tpc_mock.app')"
            " if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the handle's helpers (this session's own tpc_mock) -------------------------------
def _get(tpc_mock: TpcMock, headers: dict[str, str]) -> Any:
    return requests.get(tpc_mock.url + PAGES, params=LIST, headers=headers, timeout=10)


def test_api_key_helper_mints_a_scoped_key(tpc_mock: TpcMock) -> None:
    reader = tpc_mock.api_key(scopes=["content:read"])
    assert reader.startswith("tpc_") and len(reader) == 68
    assert _get(tpc_mock, {"x-api-key": reader}).status_code == 200
    writer = tpc_mock.api_key(scopes=["content:write"])
    error = assert_error(_get(tpc_mock, {"x-api-key": writer}), 403, "FORBIDDEN",
                         "insufficient_scope")
    assert error["details"]["missingScopes"] == ["content:read"]
    assert [e["callerId"] for e in tpc_mock.requests()] == [reader[:6], writer[:6]]


def test_api_key_helper_binds_the_organization(tpc_mock: TpcMock) -> None:
    other = next(o["id"] for o in tpc_mock.fixtures["organizations"] if o["id"] != "org_123")
    key = tpc_mock.api_key(organization_id=other)
    assert_error(_get(tpc_mock, {"x-api-key": key}), 404, "NOT_FOUND")
    with pytest.raises(ValueError, match="unknown scopes"):
        tpc_mock.api_key(scopes=["content:destroy"])
    with pytest.raises(ValueError, match="unknown organization"):
        tpc_mock.api_key(organization_id="org_nope")


def test_api_key_helper_expiry_follows_the_clock(tpc_mock: TpcMock) -> None:
    key = tpc_mock.api_key(expires_in=60)
    assert _get(tpc_mock, {"x-api-key": key}).status_code == 200
    tpc_mock.advance(61)
    assert_error(_get(tpc_mock, {"x-api-key": key}), 401, "UNAUTHORIZED", "invalid api key")


def test_bearer_token_helper_carries_scopes(tpc_mock: TpcMock) -> None:
    token = tpc_mock.bearer_token(scopes=["analytics:read"], user_id="user_admin")
    assert_error(_get(tpc_mock, {"Authorization": f"Bearer {token}"}), 403, "FORBIDDEN",
                 "insufficient_scope")
    me = requests.get(tpc_mock.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                      timeout=10).json()["data"]
    assert (me["user"]["id"], me["callerKind"], me["scopes"]) == ("user_admin", "bearer",
                                                                   ["analytics:read"])
    with pytest.raises(ValueError, match="unknown user"):
        tpc_mock.bearer_token(user_id="user_nobody")


def test_session_helper_is_signed_in_and_passes_the_origin_check(tpc_mock: TpcMock) -> None:
    session = tpc_mock.session(user_id="user_member")
    me = session.get(tpc_mock.url + "/api/v1/me", timeout=10).json()["data"]
    assert (me["user"]["id"], me["callerKind"]) == ("user_member", "session")
    created = session.post(tpc_mock.url + PAGES, timeout=10, json={
        "productId": "product_123", "pages": [{"slug": "from-session", "title": "S", "content": "x"}]})
    assert created.status_code == 200, created.text
    assert created.json()["data"]["created"][0]["title"] == "S"
    del session.headers["Origin"]
    assert_error(session.post(tpc_mock.url + PAGES, json={}, timeout=10), 403, "FORBIDDEN",
                 "invalid_origin")
    tpc_mock.advance(8 * 86400)  # past the 7-day session
    assert_error(session.get(tpc_mock.url + "/api/v1/me", timeout=10), 401, "UNAUTHORIZED",
                 "authentication required")


def test_fault_and_requests_helpers(tpc_mock: TpcMock) -> None:
    fault = tpc_mock.fault("/api/v1/me", 502, times=1)
    assert (fault["code"], fault["times"]) == ("BAD_GATEWAY", 1)
    assert_error(requests.get(tpc_mock.url + "/api/v1/me", timeout=10), 502, "BAD_GATEWAY",
                 "injected fault: bad_gateway")
    assert_error(requests.get(tpc_mock.url + "/api/v1/me", timeout=10), 401, "UNAUTHORIZED")
    stall = tpc_mock.fault("/api/v1/*", delay_ms=1, method="POST")
    assert (stall["status"], stall["method"]) == (0, "POST")
    assert [e["status"] for e in tpc_mock.requests(path="/api/v1/me")] == [502, 401]
    assert tpc_mock.requests(status=502)[0]["reason"] == "injected fault"
    assert tpc_mock.requests(method="post") == []
    with pytest.raises(ValueError, match="validation failed"):
        tpc_mock.fault("no-slash", 500)


def test_fixtures_are_cached(tpc_mock: TpcMock) -> None:
    assert tpc_mock.fixtures is tpc_mock.fixtures
    assert tpc_mock.fixtures["apiKeys"][0]["key"].startswith("tpc_")
    assert tpc_mock.requests() == []  # the fixtures call is a control call: not journaled
