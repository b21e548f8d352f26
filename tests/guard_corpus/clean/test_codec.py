import base64
import hashlib
import json
import uuid

import pytest

from codec import decode_frame, encode_frame

FIXTURES = {
    "empty": b"",
    "hello": b"Hello, world!",
    "binary": bytes(range(16)),
}

# base64 of the fixtures above, as the old service wrote them
ENCODED = {
    "empty": "",
    "hello": "SGVsbG8sIHdvcmxkIQ==",
    "binary": "AAECAwQFBgcICQoLDA0ODw==",
}

SHA1_OF_HELLO = "943a702d06f34599aee1f8da8ef9f7296031d699"
MD5_OF_EMPTY = "d41d8cd98f00b204e9800998ecf8427e"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_roundtrip(name):
    raw = FIXTURES[name]
    assert base64.b64encode(raw).decode() == ENCODED[name]
    assert decode_frame(encode_frame(raw)) == raw


def test_known_digests():
    assert hashlib.sha1(b"Hello, world!").hexdigest() == SHA1_OF_HELLO
    assert hashlib.md5(b"").hexdigest() == MD5_OF_EMPTY


def test_frame_header():
    frame = encode_frame(b"abc", message_id=uuid.UUID("12345678-1234-5678-1234-567812345678"))
    header = json.loads(frame.split(b"\n", 1)[0])
    assert header == {"v": 2, "len": 3, "id": "12345678-1234-5678-1234-567812345678"}


def test_large_lengths():
    assert encode_frame(b"x" * 1048576).count(b"\n") == 1
    for n in (0, 1, 255, 256, 65535, 65536, 4294967295):
        assert decode_frame(encode_frame(b"", pad=n % 7)) == b""


def test_rejects_bad_version():
    with pytest.raises(ValueError, match="unsupported frame version 9"):
        decode_frame(b'{"v": 9, "len": 0}\n')
