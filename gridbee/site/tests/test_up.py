"""The README's first command, for real: `python3 run.py up` in a fresh data folder serves the
demo city with its worker, and Ctrl-C stops both. `gridbee up` alone, as on a real install,
makes nothing in an empty database and says how to begin."""

import json
import os
import signal
import sqlite3
import subprocess
import sys

from gridbee.core.tests.serving import (
    gridbee_up,
    readme_first_command,
    serve,
    still_running,
)

BANNER = "演示数据"


def count(database, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_readme_command_serves_the_demo_city_and_ctrl_c_stops_everything(tmp_path):
    with serve(readme_first_command(tmp_path), tmp_path / "data") as served:
        body = json.loads(served.get("/api/geo/locate?lat=26.1328&lon=106.6564"))
        assert body["match"] == "grid"
        assert body["regions"][2]["name"] == "惠水县"
        login_page = served.get("/login/").decode()
        assert "csrfmiddlewaretoken" in login_page
        assert BANNER in login_page  # a demo database says so on every page
        worker = served.wait_for_worker()

        assert served.stop(signal.SIGINT) == 0
        output = served.output()
        assert "13800000001" in output  # the demo accounts are printed
        assert "Consumer exiting" in output  # the worker stopped in order
        assert "GridBee stopped." in output
        assert not still_running([worker], 5)


def test_up_alone_creates_nothing_in_an_empty_database_and_says_how_to_begin(tmp_path):
    with serve(gridbee_up(), tmp_path) as served:
        assert BANNER not in served.get("/login/").decode()
        output = served.output()
        steps = [output.find(f"gridbee {step}") for step in ("import-regions", "import-grids")]
        steps.append(output.find("gridbee create-admin --mobile"))
        assert -1 < steps[0] < steps[1] < steps[2], output  # in the order they must be done
        assert "13800000001" not in output
    database = tmp_path / "gridbee.sqlite3"
    for table in ("people_user", "geo_region", "geo_grid", "core_flag"):
        assert count(database, table) == 0, table


def test_several_processes_need_redis(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBEE_")}
    env |= {"GRIDBEE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gridbee.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "gridbee.cli", "up", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "GRIDBEE_REDIS_URL" in done.stderr
    assert not (tmp_path / "gridbee.sqlite3").exists(), "refused before touching the database"
