"""The production server: gunicorn workers, a stuck request cannot hold the server, stale uploads are cleaned.

A real server runs in a subprocess on 127.0.0.1 (an ephemeral port); every loop is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from web.uploads import STALE_SECONDS, clean_stale_uploads

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def server(tmp_path: Path):
    """gunicorn with 2 workers and a 2 s timeout, serving the app plus a route that never finishes."""
    port = free_port()
    script = textwrap.dedent(f"""
        import time
        from engine.cli.serve import run_server
        from web import create_app
        app = create_app({{"DATABASE_URL": "sqlite:///{tmp_path / 'live.sqlite'}", "UPLOAD_TMP": "{tmp_path}"}})

        @app.get("/_stuck")
        def stuck():  # stands for a screening that never ends
            time.sleep(600)

        run_server(app, "127.0.0.1", {port}, workers=2, timeout=2)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # up to ~30 s for the workers to boot
        try:
            if get(f"{base}/api/v1/openapi.json", timeout=2)[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {proc.communicate()[0][-2000:]}")
    log: list[str] = []
    yield base, proc, log
    proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for the graceful timeout)
    try:
        log.append(proc.communicate(timeout=40)[0])
    except subprocess.TimeoutExpired:
        proc.kill()
        log.append(proc.communicate()[0])


def test_stuck_requests_on_every_worker_do_not_hold_the_server(server) -> None:
    base, proc, _ = server
    outcomes: list[object] = []

    def call_stuck() -> None:
        try:
            outcomes.append(get(f"{base}/_stuck", timeout=60)[0])
        except OSError as exc:  # the worker was killed under the request
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=call_stuck) for _ in range(2)]  # both workers busy, forever
    for t in threads:
        t.start()
    time.sleep(0.5)
    status, headers, body = get(f"{base}/api/v1/screenings", timeout=60)  # answered once a worker is replaced
    assert status == 200 and b'"items"' in body
    assert headers["X-Frame-Options"] == "DENY"
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 2 and 200 not in outcomes
    assert proc.poll() is None  # the server itself is still up


def test_live_server_refuses_foreign_host(server) -> None:
    base, _, _ = server
    request = urllib.request.Request(f"{base}/api/v1/screenings", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400
    caught.value.close()


def test_stale_upload_folders_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / "ipsdg-upload-crashed"
    stale.mkdir()
    (stale / "0123abcd").write_bytes(b"%PDF-1.4 left by a crash")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / "ipsdg-upload-inflight"
    fresh.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    os.utime(other, (old, old))
    assert clean_stale_uploads(tmp_path) == 1
    assert not stale.exists() and fresh.exists() and other.exists()


def test_upload_folders_are_private(tmp_path: Path) -> None:
    """Uploads are written inside a 0700 folder, so other local users cannot read them."""
    import io

    from werkzeug.datastructures import FileStorage

    from web.uploads import read_document_uploads

    seen: list[int] = []
    original = FileStorage.save

    def spy(self, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(dst).parent.stat().st_mode & 0o777)
        return original(self, dst, *args, **kwargs)

    FileStorage.save = spy  # type: ignore[method-assign]
    try:
        read_document_uploads([FileStorage(io.BytesIO(b"Use of proceeds: solar."), "a.txt")], tmp_path)
    finally:
        FileStorage.save = original  # type: ignore[method-assign]
    assert seen == [0o700]
    assert not list(tmp_path.glob("ipsdg-upload-*"))  # removed after the request
