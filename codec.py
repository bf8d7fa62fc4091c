"""The payload codec: every workflow input, result, Update, activity argument and failure
message is sealed with AES-GCM before it reaches Temporal, so a history holds no readable
personal data (a partner's address, a section's text).

Keys come from `CODEC_KEYS` ("id:base64key,id:base64key", 32-byte keys) and are chosen by
id: new payloads are sealed under `CODEC_KEY_ID` (default: the first listed), and a payload
names the id it was sealed under, so a payload sealed under an older key still opens while
that key is listed (rotation: add the new key first, keep the old until no history needs it).
With no keys (local development, the tests' own servers) payloads are left as they are.
"""

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_KEYS = 20


class CodecKeyError(ValueError):
    """`CODEC_KEYS` or `CODEC_KEY_ID` cannot be used; the message says which part and why."""


class UnknownKey(ValueError):
    """A payload was sealed under a key id that `CODEC_KEYS` no longer lists."""


def parse_keys(text: str) -> dict[str, bytes]:
    """`id:base64key,...` as {id: key}; every part checked, never echoing a key."""
    keys: dict[str, bytes] = {}
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    if not entries or len(entries) > MAX_KEYS:
        raise CodecKeyError(f"CODEC_KEYS must list 1 to {MAX_KEYS} keys as id:base64key,...")
    for position, entry in enumerate(entries, start=1):
        key_id, colon, encoded = entry.partition(":")
        if not colon or not KEY_ID_PATTERN.fullmatch(key_id):
            raise CodecKeyError(
                f"CODEC_KEYS entry {position} must be id:base64key, the id 1-40 letters, "
                "digits, '.', '_' or '-'"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != KEY_BYTES:
            raise CodecKeyError(
                f"CODEC_KEYS key {key_id!r} must be {KEY_BYTES} bytes in base64 "
                "(make one with `consortia codec-key NEW_ID`)"
            )
        if key_id in keys:
            raise CodecKeyError(f"CODEC_KEYS lists the key id {key_id!r} twice")
        keys[key_id] = key
    return keys


def new_key(key_id: str) -> str:
    """A fresh `id:base64key` entry for CODEC_KEYS."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise CodecKeyError("a key id is 1-40 letters, digits, '.', '_' or '-'")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


class EncryptionCodec(PayloadCodec):
    """AES-GCM over the whole serialised payload (its metadata too), the key id bound in as
    associated data, so a payload cannot be passed off as sealed under another key."""

    def __init__(self, keys: dict[str, bytes], current: str | None = None) -> None:
        if not keys:
            raise CodecKeyError("the codec needs at least one key")
        current = current or next(iter(keys))
        if current not in keys:
            raise CodecKeyError(f"CODEC_KEY_ID {current!r} is not one of CODEC_KEYS' ids")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current = current

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(p) for p in payloads]

    def seal(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        aad = self.current.encode()
        sealed = self._ciphers[self.current].encrypt(nonce, payload.SerializeToString(), aad)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: aad}, data=nonce + sealed)

    def open(self, payload: Payload) -> Payload:
        """A sealed payload opened; one that was never sealed is returned as it is (histories
        written before the codec was turned on stay readable)."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKey(f"a payload is sealed under key {key_id!r}, not in CODEC_KEYS")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            return Payload.FromString(cipher.decrypt(nonce, sealed, key_id.encode()))
        except InvalidTag as error:
            raise UnknownKey(f"a payload under key {key_id!r} does not open with it") from error


def codec_for(codec_keys: str | None, codec_key_id: str | None) -> EncryptionCodec | None:
    """The codec the settings name, or None when no key is configured."""
    if not codec_keys:
        return None
    return EncryptionCodec(parse_keys(codec_keys), codec_key_id)


def with_codec(converter: DataConverter, codec: PayloadCodec | None) -> DataConverter:
    """`converter` sealing every payload with `codec`. Failure messages and stack traces go
    into the sealed attributes too: an SMTP refusal can quote a recipient's address."""
    if codec is None:
        return converter
    return dataclasses.replace(
        converter,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
