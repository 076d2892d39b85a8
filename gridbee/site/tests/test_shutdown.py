"""Stopping `gridbee up` for real: SIGTERM (kill, systemd, docker stop) and Ctrl-C (SIGINT) stop
the server, then its background worker, and leave nothing running; even a server killed
outright (SIGKILL, the OOM killer) takes its worker along."""

import os
import signal
import uuid

import pytest

from gridbee.core.tests.serving import gridbee_up, serve, still_running

STOP_SECONDS = 30  # the server's 5 s for open requests and the worker's for its tasks, and slack


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_then_its_worker(tmp_path, signum):
    with serve(gridbee_up(), tmp_path) as served:
        worker = served.wait_for_worker()  # started, and beating

        assert served.stop(signum, STOP_SECONDS) == 0
        assert not still_running([worker], 5), "the worker was left running"
        output = served.output()
        # In order: the server stops taking requests, then the worker finishes its tasks.
        assert output.index("Finished server process") < output.index("Consumer exiting")
        assert "GridBee stopped." in output


@pytest.mark.skipif(not os.environ.get("GRIDBEE_REDIS_URL"), reason="--workers N needs Redis")
def test_several_app_processes_stop_with_their_worker(tmp_path):
    redis = {
        "GRIDBEE_REDIS_URL": os.environ["GRIDBEE_REDIS_URL"],
        "GRIDBEE_REDIS_PREFIX": f"test-shutdown-{uuid.uuid4().hex[:8]}",  # a queue of its own
    }
    with serve(gridbee_up("--workers", "2"), tmp_path, **redis) as served:
        worker = served.wait_for_worker()
        processes = served.children()
        app_processes = [p for p, line in processes.items() if "multiprocessing" in line]
        assert len(app_processes) >= 2, processes

        assert served.stop(signal.SIGTERM, STOP_SECONDS) == 0
        assert not still_running([worker, *app_processes], 5)
        assert "Consumer exiting" in served.output()


def test_a_killed_server_takes_its_worker_along(tmp_path):
    with serve(gridbee_up(), tmp_path) as served:
        worker = served.wait_for_worker()

        served.process.kill()
        served.process.wait(timeout=STOP_SECONDS)
        assert not still_running([worker], STOP_SECONDS), "the worker was left running alone"
