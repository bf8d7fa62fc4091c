"""How `consortia up` runs the Temporal dev server, and the benchmarks with it."""

import json

# One process on one machine: one partition a task queue. Temporal's default of four spreads
# a queue over the matching hosts of a cluster; in one process it only splits a queue's tasks
# and its workers' polls four ways, and forwards between the parts (the 300-bid burst: server
# CPU 29 -> 25 s, longest Update 16.3 -> 11.6 s; bench/RESULTS.md). A cluster keeps
# Temporal's defaults (deploy/temporal/values-postgresql.yaml). The server ignores a key it
# does not know: tests/deploy/test_local.py finds each in the binary `consortia up` runs.
DEV_SERVER_CONFIG: dict[str, object] = {
    "matching.numTaskqueueReadPartitions": 1,
    "matching.numTaskqueueWritePartitions": 1,
}


def dev_server_args() -> list[str]:
    """`temporal server start-dev` flags for `DEV_SERVER_CONFIG` (the benchmarks' too)."""
    return [
        arg
        for key, value in DEV_SERVER_CONFIG.items()
        for arg in ("--dynamic-config-value", f"{key}={json.dumps(value)}")
    ]
