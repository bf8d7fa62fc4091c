"""The liveness probe's check (`python -m deploy.worker_health FILE SECONDS`): a fresh beat
passes, a stale or missing one fails. The beat of a real worker is checked in
tests/workflows/test_worker_kill.py."""

import os
import time

from deploy import worker_health


def test_a_fresh_beat_passes_and_a_stale_or_missing_one_fails(tmp_path, capsys):
    beat = tmp_path / "alive"
    assert worker_health.main([str(beat), "60"]) == 1  # never beaten
    beat.touch()
    assert worker_health.main([str(beat), "60"]) == 0
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert worker_health.main([str(beat), "60"]) == 1
    assert "not touched in the last 60s" in capsys.readouterr().err
    assert worker_health.main([str(beat)]) == 2
