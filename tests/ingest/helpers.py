"""Small helpers the ingest tests share."""


def valid_utf8(raw: bytes) -> bool:
    """GB18030 bytes that are also valid UTF-8 read as UTF-8 by rule, so they cannot round-trip."""
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
