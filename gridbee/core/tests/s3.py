"""A real S3 API server for the tests that store photos in object storage: moto's server, as
the province rig runs it (`gridbee rig up` installs it under .rig-tools; CI runs the rig first).
The tests skip without one."""

import shutil
import socket
import subprocess
import time

import pytest


def _moto_server() -> str | None:
    """The S3 API server the rig runs (moto's), from the rig's tools or the PATH."""
    from gridbee.site.rig import S3_TOOLS

    rig_tools = S3_TOOLS / "bin" / "moto_server"
    return str(rig_tools) if rig_tools.exists() else shutil.which("moto_server")


@pytest.fixture
def s3_endpoint(tmp_path):
    server = _moto_server()
    if server is None:
        pytest.skip("no S3 API server (`gridbee rig up` installs moto[server])")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "s3.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "s3.log").read_text()
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
        log.close()
