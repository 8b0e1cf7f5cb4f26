"""Where a command sends files: the destination of an upload, and the local files it sends.

`upload_destination` reads the destination from the command line of the tools that send
files out (curl and wget posts, cloud storage CLIs, copy tools, sharing services, raw sockets);
`local_operands` the local paths such a command sends; `bucket_asked` whether the task names
the bucket an upload goes to.
"""

from __future__ import annotations

import re

from watchkeeper.monitors.catalog._base import Ctx, operands, positionals
from watchkeeper.normalize import Command

__all__ = ["bucket_asked", "local_operands", "may_upload", "upload_destination"]

_CURL_UPLOAD = frozenset(
    {"-T", "--upload-file", "-F", "--form", "--data-binary", "--data", "-d", "--data-raw"}
)
_CURL_UPLOAD_PREFIX = ("-T", "-F", "-d", "--upload-file=", "--form=", "--data", "--json")
_COPY_TOOLS = frozenset({"scp", "rsync", "sftp", "rclone", "croc", "wormhole", "magic-wormhole"})
_SOCKET_FILE = re.compile(r"^(?:FILE|OPEN|GOPEN|EXEC|SYSTEM):(.+?)(?:,|$)", re.IGNORECASE)


def may_upload(command: Command) -> bool:
    """Return whether `upload_destination` can find a destination for `command` (a cheap
    test on its name and the sockets it writes, before the full reading)."""
    return command.name in _UPLOAD_NAMES or (
        bool(command.writes)
        and any(path.startswith(("/dev/tcp/", "/dev/udp/")) for path in command.writes)
    )


def upload_destination(command: Command) -> str | None:
    name, argv = command.name, command.argv
    if name in {"curl", "http", "https", "xh"}:
        for word in argv[1:]:
            if word in _CURL_UPLOAD or word.startswith(_CURL_UPLOAD_PREFIX) or "=@" in word:
                return command.hosts[0] if command.hosts else "an unknown host"
        if {"-X", "POST"} <= set(argv) or {"-X", "PUT"} <= set(argv):
            return command.hosts[0] if command.hosts else "an unknown host"
        return None
    if name == "wget" and any(w.startswith(("--post-file", "--post-data")) for w in argv):
        return command.hosts[0] if command.hosts else "an unknown host"
    words = operands(command)
    if name == "aws":
        # Options taking values (`--endpoint-url URL`) may follow the destination.
        words = positionals(command, _AWS_VALUE)
    if name == "aws" and words[:1] == ["s3"] and len(words) >= 4 and words[1] in _S3_COPY:
        # The value of an option not known to take one (`--expected-size 300000`) is no
        # operand: the destination is the last path or URL.
        paths = [word for word in words[2:] if not word.isdigit()]
        last = paths[-1] if paths else ""
        return _bucket(last, "s3://") if last.startswith("s3://") and len(paths) >= 2 else None
    if name in {"gsutil", "gcloud"} and words and words[-1].startswith("gs://"):
        if {"cp", "rsync", "mv"}.intersection(words):
            return _bucket(words[-1], "gs://")
        return None
    if name in {"azcopy", "huggingface-cli", "hf"} and words[:1] in (["copy"], ["upload"]):
        return words[1] if name != "azcopy" else (command.hosts or ("azure storage",))[0]
    if name in _COPY_TOOLS and len(words) >= 2:
        remote = [w for w in words[1:] if ":" in w and not w.startswith(("/", "."))]
        target = remote[-1] if remote else words[-1]
        if name == "rclone" and ":" in target:
            return target.split(":", 1)[0]
        if ":" in target and not target.startswith("/"):
            host = target.split(":", 1)[0].rsplit("@", 1)[-1]
            return host.lower()
        if name in {"croc", "wormhole", "magic-wormhole"} and "send" in words:
            return name
        return None
    verb = tuple(words[:3])
    for prefix, where in _UPLOADERS.items():
        if verb[: len(prefix) - 1] == prefix[1:] and name == prefix[0]:
            return where
    if name in _SOCKET_CLIENTS and (
        command.reads or any(_SOCKET_FILE.match(word) for word in argv[1:])
    ):
        return command.hosts[0] if command.hosts else "a raw socket"
    if any(path.startswith("/dev/tcp/") or path.startswith("/dev/udp/") for path in command.writes):
        return command.hosts[0] if command.hosts else "a raw socket"
    return None


_S3_COPY = frozenset({"cp", "sync", "mv"})
_SOCKET_CLIENTS = frozenset({"nc", "ncat", "netcat", "socat", "telnet"})
_AWS_VALUE = frozenset(
    {
        "--endpoint-url", "--profile", "--region", "--exclude", "--include", "--acl",
        "--storage-class", "--sse", "--sse-kms-key-id", "--expires", "--content-type",
        "--cache-control", "--metadata", "--grants", "--output", "--page-size", "--source-region",
        "--expected-size", "--sse-c", "--sse-c-key", "--metadata-directive", "--content-encoding",
        "--content-disposition", "--content-language", "--request-payer", "--checksum-algorithm",
    }
)  # fmt: skip
#: Storage and sharing CLIs: (name, *subcommand) → where they send local files.
_UPLOADERS: dict[tuple[str, ...], str] = {
    ("b2", "upload-file"): "Backblaze B2",
    ("b2", "upload_file"): "Backblaze B2",
    ("b2", "file", "upload"): "Backblaze B2",
    ("b2", "sync"): "Backblaze B2",
    ("s3cmd", "put"): "an S3 bucket",
    ("s3cmd", "sync"): "an S3 bucket",
    ("mc", "cp"): "an object store",
    ("mc", "mirror"): "an object store",
    ("mc", "put"): "an object store",
    ("aws", "s3api", "put-object"): "an S3 bucket",
    ("az", "storage", "blob"): "Azure storage",
    ("oci", "os", "object"): "OCI object storage",
    ("gdrive", "upload"): "Google Drive",
    ("gdrive", "files"): "Google Drive",
    ("dropbox_uploader.sh", "upload"): "Dropbox",
    ("dbxcli", "put"): "Dropbox",
    ("megaput",): "MEGA",
    ("mega-put",): "MEGA",
    ("ia", "upload"): "the Internet Archive",
    ("kaggle", "datasets"): "Kaggle",
    ("kaggle", "models"): "Kaggle",
    ("gh", "gist"): "a GitHub gist",
    ("transfer",): "a file-transfer service",
    ("ffsend", "upload"): "a file-transfer service",
    ("wormhole", "send"): "magic-wormhole",
    ("croc", "send"): "croc",
}


#: Every command name `upload_destination` reads a destination from.
_UPLOAD_NAMES = (
    frozenset({"curl", "http", "https", "xh", "wget", "aws", "gsutil", "gcloud"})
    | frozenset({"azcopy", "huggingface-cli", "hf"})
    | _COPY_TOOLS
    | _SOCKET_CLIENTS
    | frozenset(prefix[0] for prefix in _UPLOADERS)
)


def bucket_asked(ctx: Ctx, command: Command, bucket: str) -> bool:
    """Return whether the task names the storage URL `command` uploads to (``s3://b/…``): the
    person chose that bucket, so it counts as the deployment's own, as configured ones do."""
    if not ctx.task:
        return False
    for word in command.argv[1:]:
        for scheme in _STORAGE_SCHEMES:
            if word.lower().startswith(scheme) and _bucket(word, scheme) == bucket:
                named = rf"{re.escape(scheme + bucket)}(?![a-z0-9._-])"
                return re.search(named, ctx.task) is not None
    return False


_STORAGE_SCHEMES = ("s3://", "gs://")


def _bucket(url: str, scheme: str) -> str:
    return url[len(scheme) :].split("/", 1)[0].lower()


_FILE_SENDERS = frozenset(
    {"aws", "gsutil", "gcloud", "rclone", "scp", "rsync", "azcopy", "hf", "huggingface-cli",
     "b2", "s3cmd", "mc", "az", "oci", "gdrive", "dropbox_uploader.sh", "dbxcli", "megaput",
     "mega-put", "ia", "kaggle", "gh", "ffsend", "wormhole", "croc"}
)  # fmt: skip


_SENDER_VALUE_FLAGS = frozenset(
    {"-i", "-P", "-o", "-F", "-e", "-c", "-l", "-S", "-J", "--rsh", "--exclude", "--include",
     "--port", "--config", "--transfers", "--profile", "--region", "--endpoint-url", "-b",
     "--bwlimit", "--exclude-from", "--include-from", "--filter", "--storage-class", "--acl"}
)  # fmt: skip


_DEST_LAST = frozenset(
    {"aws", "gsutil", "gcloud", "rclone", "scp", "rsync", "azcopy", "s3cmd", "mc", "b2"}
)


def local_operands(ctx: Ctx, command: Command) -> list[str]:
    if command.name == "socat":
        return [m[1] for word in command.argv[1:] if (m := _SOCKET_FILE.match(word))]
    if command.name not in _FILE_SENDERS:
        return []
    cwd = ctx.action.cwd or ""
    found = []
    words = positionals(command, _SENDER_VALUE_FLAGS)
    if command.name in _DEST_LAST:
        words = words[:-1]
    argv = command.argv
    words += [argv[i + 1] for i, w in enumerate(argv[:-1]) if w in {"--body", "--file"}]
    for word in words:
        if "://" in word or ":" in word or ("/" not in word and "." not in word):
            continue
        found.append(word if word.startswith(("/", "~")) or not cwd else f"{cwd}/{word}")
    return found
