"""Deployment safety: HTTPS behind a proxy (with the load balancer's plain-HTTP health check
still answered), a Content-Security-Policy on every response, and access logs without
secrets, checked on a real `gridbee up`."""

import contextlib
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from gridbee.core.security import RedactSecrets, content_security_policy, tile_origin

from .serving import free_port, wait_for


def clean_env(data_dir, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    return env | {"GRIDBEE_DATA_DIR": str(data_dir)} | extra


# --- HTTPS ------------------------------------------------------------------------------------

HTTPS_PROBE = textwrap.dedent(
    """
    import json
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.test import Client

    client = Client()
    health = client.get("/api/health")
    plain = client.get("/login/")
    secure = client.get("/login/", headers={"x-forwarded-proto": "https"})
    print(json.dumps({
        "health": health.status_code,
        "plain": plain.status_code,
        "plain_location": plain.headers.get("Location"),
        "secure": secure.status_code,
        "hsts": secure.headers.get("Strict-Transport-Security"),
        "csrf_cookie_secure": secure.cookies["csrftoken"]["secure"],
    }))
    """
)


def probe(tmp_path, **env) -> dict:
    import json

    result = subprocess.run(
        [sys.executable, "-c", HTTPS_PROBE],
        env=clean_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="gridbee.settings",
            GRIDBEE_ALLOWED_HOSTS="testserver",
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_behind_a_proxy_but_health_checks_still_answer_over_http(tmp_path):
    seen = probe(tmp_path, GRIDBEE_HTTPS="true")
    assert seen["health"] == 200  # the load balancer's probe, plain HTTP, no redirect
    assert seen["plain"] == 301
    assert seen["plain_location"] == "https://testserver/login/"
    assert seen["secure"] == 200
    assert seen["hsts"] == "max-age=31536000"  # no includeSubDomains unless asked
    assert seen["csrf_cookie_secure"] is True


def test_plain_http_by_default_for_the_demo(tmp_path):
    seen = probe(tmp_path)
    assert (seen["plain"], seen["hsts"], seen["csrf_cookie_secure"]) == (200, None, "")


def test_session_cookies_are_secure_under_https(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_SECONDS]))"
    )
    env = clean_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="gridbee.settings",
        GRIDBEE_HTTPS="yes",
        GRIDBEE_HSTS_INCLUDE_SUBDOMAINS="true",
        GRIDBEE_HSTS_SECONDS="3600",
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[true, true, true, 3600]"


# --- Content-Security-Policy ------------------------------------------------------------------


def test_every_page_carries_the_policy(db):
    response = Client().get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_the_tile_server_may_serve_images(db, settings):
    settings.TILE_URL = "http://{s}.tiles.intranet:8080/{z}/{x}/{y}.png"
    policy = Client().get("/login/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: http://*.tiles.intranet:8080;" in policy


def test_a_tile_url_cannot_smuggle_directives():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        content_security_policy("http://tiles;script-src *.evil/{z}/{x}/{y}.png")
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None  # this site's own: 'self'
    assert tile_origin("") is None


# --- Secrets in logs --------------------------------------------------------------------------


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.9:5123", "GET", path, "1.1", 200),
        None,
    )


@pytest.mark.parametrize(
    ("path", "secret", "kept"),
    [
        ("/open311/v2/requests.json?api_key=k3y&status=open", "k3y", "status=open"),
        ("/open311/v2/requests.json?jurisdiction_id=x&API_KEY=k3y", "k3y", "jurisdiction_id=x"),
        ("/apply/status/s3cretToken_-x/", "s3cretToken", "/apply/status/"),
        ("/verify/c3rtToken/", "c3rtToken", "/verify/"),
        ("/open311/v2/tokens/t0ken.json", "t0ken", ".json"),
        ("/report/?token=t0ken&next=/me/", "t0ken", "next=/me/"),
        ("/x?access_token=t0ken", "t0ken", "/x?access_token="),
    ],
)
def test_the_filter_redacts_secrets_in_access_lines(path, secret, kept):
    record = access_record(path)
    assert RedactSecrets().filter(record) is True
    line = record.getMessage()
    assert secret not in line and kept in line
    assert len(record.args) == 5  # uvicorn's formatter unpacks exactly five


def test_other_lines_pass_untouched():
    record = access_record("/map/?lat=26.1&lon=106.6&zoom=14")
    RedactSecrets().filter(record)
    assert record.getMessage().endswith('"GET /map/?lat=26.1&lon=106.6&zoom=14 HTTP/1.1" 200')


def test_gridbee_up_logs_no_api_key_and_no_status_token(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gridbee.cli", "up", "--no-worker", "--port", str(port)],
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/health")
        for path in [
            "/open311/v2/requests.json?api_key=SECRETKEY123&service_code=x",
            "/apply/status/SECRETTOKEN456/",
        ]:
            # A wrong key (403) or token (404) is logged all the same.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(base + path, timeout=5).close()
        deadline = time.monotonic() + 10
        while sum("/apply/status/" in line and "HTTP/1.1" in line for line in lines) < 1:
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=5)
    output = "".join(lines)
    assert '"GET /open311/v2/requests.json?api_key=***&service_code=x HTTP/1.1" 403' in output
    assert '"GET /apply/status/***/ HTTP/1.1" 404' in output
    assert "SECRETKEY123" not in output and "SECRETTOKEN456" not in output
