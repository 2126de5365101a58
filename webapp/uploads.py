"""Uploaded files held between "check the file" and "apply it", in the instance folder.

An import is checked, shown, and applied on a second request; the confirmation names the held
file by a random token, so what is applied is the file that was shown (and it is checked again
against the directory as it is then). A file is held for its uploader only, and cleared when it
is applied or after a day. Files rather than the session cookie: a CSV may be megabytes.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_PURPOSE = re.compile(r"[a-z_]{1,30}")


def hold(data: bytes, *, purpose: str, user_id: int) -> str:
    """Keep `data` for `user_id` and return the token that names it."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _clear_old(folder)
    token = secrets.token_urlsafe(24)  # 32 characters
    path = _path(folder, purpose, user_id, token)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return token


def held(token: str, *, purpose: str, user_id: int) -> bytes | None:
    """The file `token` names, if this user holds it for this purpose and it is not too old."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _path(_folder(), purpose, user_id, token)
    try:
        if time.time() - path.stat().st_mtime > KEEP_SECONDS:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def release(token: str, *, purpose: str, user_id: int) -> None:
    """Forget a held file (it has been applied)."""
    if _TOKEN.fullmatch(token or ""):
        _path(_folder(), purpose, user_id, token).unlink(missing_ok=True)


def _folder() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _path(folder: Path, purpose: str, user_id: int, token: str) -> Path:
    if not _PURPOSE.fullmatch(purpose):
        raise ValueError(f"not a purpose: {purpose!r}")
    return folder / f"{purpose}-{int(user_id)}-{token}.csv"


def _clear_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another process cleared it first
            pass
