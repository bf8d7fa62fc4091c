"""`consortia bid ...` against the dev server: start a bid from a notice file, answer,
refuse a wrong answer with its reason, show and list it, JSON in and out."""

import asyncio
import json
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.service import RPCError, RPCStatusCode

from tests.helpers import wait_until
from tests.workflows.bid_support import _STARTED, add_members, bid_worker

CLI = [sys.executable, "-m", "cli", "bid"]


async def consortia(env_vars: dict, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *CLI,
        *args,
        env={**os.environ, **env_vars},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_the_bid_commands_start_answer_refuse_show_and_list(
    dev_env, settings, sessions, mailbox, task_queue, tmp_path
):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", {"alpha": {"lead": True}, "beta": {}})
    now = datetime.now(UTC)
    notice = {
        "id": f"opp-{tag}",
        "funder": "County Council",
        "title": f"Warm Spaces {tag}",
        "themes": [f"theme-{tag}"],
        "interest_cutoff": (now + timedelta(days=7)).isoformat(),
        "submission_deadline": (now + timedelta(days=40)).isoformat(),
        "required_sections": ["summary"],
    }
    (tmp_path / "notice.json").write_text(json.dumps(notice))
    env_vars = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_TASK_QUEUE": task_queue,
        "COORDINATOR_EMAIL": f"coordinator-{tag}@example.org",
    }
    async with bid_worker(dev_env, settings, sessions, task_queue):
        code, out, err = await consortia(
            env_vars, "start", f"@{tmp_path / 'notice.json'}", "--json"
        )
        assert code == 0, err
        bid_id = json.loads(out)["bid_id"]
        _STARTED[task_queue].append(dev_env.client.get_workflow_handle(bid_id))

        answer = json.dumps({"actor": orgs["alpha"], "answer": "lead"})
        code, out, err = await consortia(
            env_vars, "answer", bid_id, "express-interest", answer, "--json"
        )
        assert code == 0, err
        assert json.loads(out)["stage"] == "notice"

        code, _, err = await consortia(env_vars, "answer", bid_id, "express-interest", answer)
        assert code == 2 and "You have already answered (lead)." in err

        code, _, err = await consortia(env_vars, "start", '{"id": "x"}')
        assert code == 2 and "funder" in err  # the notice is checked before anything starts

        code, out, _ = await consortia(env_vars, "show", bid_id, "--json")
        state = json.loads(out)
        assert state["interests"][orgs["alpha"]]["answer"] == "lead"
        assert state["timeline"][0]["action"] == "notice_circulated"

        code, out, _ = await consortia(env_vars, "show", bid_id)
        assert "expressed_interest" in out and "Warm Spaces" in out

        async def listed() -> bool:
            code, out, _ = await consortia(env_vars, "list", "--stage", "notice", "--json")
            return bid_id in [row["bid_id"] for row in json.loads(out)]

        await wait_until(listed, within=30, interval=1)


def valid_notice(tag: str) -> dict:
    now = datetime.now(UTC)
    return {
        "id": f"opp-{tag}",
        "funder": "County Council",
        "title": f"Warm Spaces {tag}",
        "interest_cutoff": (now + timedelta(days=7)).isoformat(),
        "submission_deadline": (now + timedelta(days=40)).isoformat(),
    }


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"value": 1e20}, "value: Input should be less than or equal to 999999999999.99"),
        ({"title": "x" * 301}, "title: String should have at most 300 characters"),
        ({"title": "Warm\u0000Spaces"}, "title: must not contain the control character U+0000"),
        ({"currency": "<s>"}, "currency: must be an ISO 4217 code of three capital letters"),
        ({"interest_cutoff": "2027-03-01T17:00:00"}, "interest_cutoff: give the time with a"),
    ],
    ids=["value-1e20", "title-301", "title-nul", "currency", "naive-cutoff"],
)
async def test_a_notice_out_of_bounds_is_refused_in_one_line_and_nothing_starts(
    dev_env, task_queue, tmp_path, change, said
):
    tag = uuid.uuid4().hex[:8]
    (tmp_path / "notice.json").write_text(json.dumps({**valid_notice(tag), **change}))
    env_vars = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_TASK_QUEUE": task_queue,
    }
    bid_id = f"bid-{tag}"

    code, out, err = await consortia(
        env_vars, "start", f"@{tmp_path / 'notice.json'}", "--bid-id", bid_id
    )

    assert (code, out) == (2, "")
    assert err.startswith(f"error: the notice is not valid: {said}")
    assert err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(RPCError) as missing:
        await dev_env.client.get_workflow_handle(bid_id).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND


async def test_an_answer_with_a_nul_or_a_bad_bid_id_is_refused_in_one_line(dev_env, tmp_path):
    env_vars = {"TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host}
    note = json.dumps({"actor": "alpha", "answer": "lead", "note": "hello\u0000"})

    code, _, err = await consortia(env_vars, "answer", "bid-x", "express-interest", note)
    assert code == 2
    assert err == (
        "error: the answer is not valid: note: must not contain the control character U+0000\n"
    )

    (tmp_path / "notice.json").write_text(json.dumps(valid_notice("x")))
    code, out, err = await consortia(
        env_vars, "start", f"@{tmp_path / 'notice.json'}", "--bid-id", "bid x\r\n"
    )
    assert (code, out) == (2, "")
    assert err.startswith("error: bid_id: use only letters, digits")


async def test_input_no_command_checks_itself_still_ends_in_one_line_not_a_traceback():
    # `db upgrade` reads the settings and nothing else: a setting out of bounds reaches main.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        "db",
        "upgrade",
        env={**os.environ, "SMTP_PORT": "not-a-port"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 1
    assert err.decode() == (
        "error: smtp_port: Input should be a valid integer, unable to parse string as an integer\n"
    )
