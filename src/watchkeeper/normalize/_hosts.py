"""Hosts and URLs found in words: `scheme://host`, `user@host:path`, bare host names.

Hosts are lower-case, without user info, port or brackets; IP addresses are kept as written.
Object-store URLs name the endpoint that would be contacted: ``s3://bucket/key`` →
``bucket.s3.amazonaws.com``, ``gs://bucket`` → ``storage.googleapis.com``. A ``file://`` URL
has no host; its path is a read.
"""

from __future__ import annotations

import re

__all__ = ["bare_host", "file_url_path", "find_urls", "url_host", "url_parts"]

_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,15})://([^\s'\"<>`|;()]*)")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_SCP = re.compile(r"^(?:[^@/\s:]+@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(?!//)")


def find_urls(text: str) -> list[str]:
    """Return every ``scheme://…`` URL in `text`, in order."""
    if "://" not in text:
        return []
    return [m.group(0) for m in _URL.finditer(text)]


def _authority_host(authority: str) -> str | None:
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        end = host.find("]")
        return host[1:end].lower() if end > 1 else None
    host = host.partition(":")[0].rstrip(".").lower()
    return host or None


def url_host(url: str) -> str | None:
    """Return the host a URL would contact, or None (``file://``, malformed)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    scheme = scheme.lower()
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme == "file":
        return None
    host = _authority_host(authority)
    if host is None:
        return None
    if scheme == "s3":
        return f"{host}.s3.amazonaws.com"
    if scheme == "gs":
        return "storage.googleapis.com"
    return host


def file_url_path(url: str) -> str | None:
    """Return the path of a ``file://`` URL, or None for any other URL."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() != "file":
        return None
    path = rest[rest.find("/") :] if "/" in rest else "/"
    return path.split("?", 1)[0].split("#", 1)[0]


def bare_host(word: str, *, scp_form: bool) -> str | None:
    """Return the host named by a word such as ``example.com/x``, ``user@host`` or ``h:path``.

    With `scp_form`, ``[user@]host:path`` is read as a remote path (scp, rsync, git).
    Returns None when the word does not look like a host.
    """
    if not word or word.startswith(("-", "/", ".", "~", "$")):
        return None
    if "://" in word:
        return url_host(word)
    if scp_form:
        match = _SCP.match(word)
        if match:
            return match.group(1).strip("[]").lower()
        if "@" not in word:
            return None
    candidate = word.rpartition("@")[2]
    candidate = candidate.split("/", 1)[0]
    candidate = _authority_host(candidate) or ""
    if _HOST.match(candidate) and ("." in candidate or candidate == "localhost"):
        return candidate
    return None


def url_parts(word: str) -> list[tuple[str, list[str], list[str]]]:
    """Each URL in `word` with its host and, for ``file://``, its path (each a 0/1 list)."""
    out: list[tuple[str, list[str], list[str]]] = []
    for url in find_urls(word):
        host, path = url_host(url), file_url_path(url)
        out.append((url, [host] if host else [], [path] if path else []))
    return out
