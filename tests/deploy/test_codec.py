"""The payload codec's rules, without a server: keys by id, rotation, refusals in words."""

import base64

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

import codec
from models.bid_answers import ContributionInput

TEXT = "Our peer mentors meet young people at Seaham youth centre"


def entry(key_id: str, fill: int) -> str:
    return f"{key_id}:{base64.b64encode(bytes([fill]) * 32).decode()}"


async def sealed(codec_keys: str, current: str | None = None) -> tuple[Payload, codec.PayloadCodec]:
    converter = codec.with_codec(pydantic_data_converter, codec.codec_for(codec_keys, current))
    answer = ContributionInput(actor="beta-org", section="summary", body=TEXT)
    [payload] = await converter.encode([answer])
    assert converter.payload_codec is not None
    return payload, converter.payload_codec


async def test_a_payload_is_sealed_under_the_current_key_and_names_it():
    payload, own = await sealed(f"{entry('k1', 1)},{entry('k2', 2)}", "k2")
    assert payload.metadata["encoding"] == b"binary/encrypted"
    assert payload.metadata["encryption-key-id"] == b"k2"
    assert TEXT.encode() not in payload.data and b"beta-org" not in payload.data
    [opened] = await own.decode([payload])
    assert TEXT.encode() in opened.data


async def test_after_rotation_old_payloads_open_and_new_ones_use_the_new_key():
    old, _ = await sealed(entry("k1", 1))
    rotated = codec.codec_for(f"{entry('k1', 1)},{entry('k2', 2)}", "k2")
    assert rotated is not None
    [opened] = await rotated.decode([old])
    assert TEXT.encode() in opened.data
    [new] = await rotated.encode([opened])
    assert new.metadata["encryption-key-id"] == b"k2"
    # Once k1 is dropped, what it sealed no longer opens, and the error says which key.
    with pytest.raises(codec.UnknownKey, match="'k1'"):
        await codec.EncryptionCodec({"k2": bytes([2]) * 32}).decode([old])


async def test_a_payload_sealed_under_one_key_id_cannot_pass_as_another():
    payload, _ = await sealed(entry("k1", 1))
    payload.metadata["encryption-key-id"] = b"k2"
    impostor = codec.codec_for(f"{entry('k1', 1)},{entry('k2', 1)}", None)
    assert impostor is not None
    with pytest.raises(codec.UnknownKey, match="does not open"):
        await impostor.decode([payload])


async def test_plain_payloads_written_before_the_codec_still_read():
    [plain] = await pydantic_data_converter.encode(["hello"])
    own = codec.EncryptionCodec({"k1": bytes(32)})
    assert await own.decode([plain]) == [plain]


@pytest.mark.parametrize(
    ("keys", "current", "says"),
    [
        ("", None, "1 to 20 keys"),
        ("k1", None, "entry 1 must be id:base64key"),
        ("k 1:AAAA", None, "entry 1 must be id:base64key"),
        ("k1:not base64!", None, "must be 32 bytes"),
        (f"k1:{base64.b64encode(bytes(16)).decode()}", None, "must be 32 bytes"),
        (f"{entry('k1', 1)},{entry('k1', 2)}", None, "twice"),
        (entry("k1", 1), "k9", "CODEC_KEY_ID 'k9' is not one of"),
    ],
)
def test_bad_key_settings_are_refused_in_words_without_echoing_a_key(keys, current, says):
    with pytest.raises(codec.CodecKeyError, match=says) as refused:
        codec.EncryptionCodec(codec.parse_keys(keys), current)
    assert "AAAA" not in str(refused.value) and "AQEB" not in str(refused.value)


def test_no_keys_means_no_codec():
    assert codec.codec_for(None, None) is None
    assert codec.with_codec(pydantic_data_converter, None) is pydantic_data_converter
