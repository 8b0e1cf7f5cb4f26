"""Reading what a transcript gained since the last hook call.

Claude Code appends one JSON record per line to the session transcript. Each hook call
sends the complete lines added since the offset stored for that (session, transcript) pair,
at most `MAX_TAIL_BYTES` at a time; the offset advances only after the gateway has accepted
them, so lines are never lost, and the gateway drops the duplicates that concurrent hook
calls can send. Standard library only: this runs in the hook process.
"""

from __future__ import annotations

from watchkeeper.integrations.claude_code import _fastos as fos

TYPE_CHECKING = False  # `typing` costs ~20 ms of start-up; annotations are strings
if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["MAX_TAIL_BYTES", "Tail", "read_tail"]

#: Most transcript bytes one hook call sends; a long backlog is sent over several calls.
MAX_TAIL_BYTES = 256 * 1024

#: A single line longer than this is skipped, and only its start is sent (as unreadable).
_LONG_LINE_KEEP = 2000

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


def _fnv1a(text: str) -> str:
    value = _FNV_OFFSET
    for byte in text.encode("utf-8", "surrogatepass"):
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


class Tail:
    """New complete lines of one transcript and where to resume once they are accepted."""

    __slots__ = ("end", "inode", "lines", "start", "state_path", "transcript")

    def __init__(
        self,
        transcript: str,
        state_path: str,
        lines: list[str],
        *,
        start: int,
        end: int,
        inode: int,
    ) -> None:
        self.transcript = transcript
        self.state_path = state_path
        self.lines = lines
        self.start = start
        self.end = end
        self.inode = inode

    def commit(self) -> None:
        """Record that the lines were accepted (atomic write of the state file).

        Nothing is written when the offset did not move (no new lines, or no transcript).
        """
        if self.start == self.end:
            return
        from watchkeeper.integrations.claude_code._wire import dumps

        fos.makedirs(fos.dirname(self.state_path))
        text = dumps({"transcript": self.transcript, "offset": self.end, "inode": self.inode})
        tmp = f"{self.state_path}.{fos.getpid()}.tmp"
        fos.write_file(tmp, text.encode("ascii"), flags=fos.O_WRONLY | fos.O_CREAT | fos.O_TRUNC)
        fos.replace(tmp, self.state_path)


def _stored_offset(state_path: str, inode: int, size: int) -> int:
    from watchkeeper.integrations.claude_code._wire import loads

    try:
        with open(state_path, encoding="utf-8") as fh:
            state = loads(fh.read())
        offset = int(state["offset"])
        same_file = int(state.get("inode", inode)) == inode
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    return offset if same_file and 0 <= offset <= size else 0


def read_tail(
    state_dir: str, session_id: str, transcript: str, *, cap: int = MAX_TAIL_BYTES
) -> Tail:
    """Return the complete lines `transcript` gained since the offset kept in `state_dir`.

    A missing or unreadable transcript yields no lines. A truncated or replaced transcript
    (smaller than the offset, or another inode) is read again from the start.
    """
    state_path = fos.join(state_dir, f"cc-{_fnv1a(session_id + chr(0) + transcript)}.json")
    try:
        fh = open(transcript, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError:
        return Tail(transcript, state_path, [], start=0, end=0, inode=0)
    try:
        st = fos.fstat(fh.fileno())
        offset = _stored_offset(state_path, st.st_ino, st.st_size)
        fh.seek(offset)
        chunk = fh.read(cap)
        last = chunk.rfind(b"\n")
        if last >= 0:
            raw_lines = chunk[: last + 1].split(b"\n")
            end = offset + last + 1
        elif len(chunk) >= cap:
            raw_lines = [chunk[:_LONG_LINE_KEEP]]
            end = _skip_line(fh, offset + len(chunk))
        else:
            raw_lines, end = [], offset
    finally:
        fh.close()
    lines = [raw.decode("utf-8", "replace") for raw in raw_lines if raw.strip()]
    return Tail(transcript, state_path, lines, start=offset, end=end, inode=st.st_ino)


def _skip_line(fh: BinaryIO, position: int) -> int:
    """Return the offset just past the end of the line that continues at `position`."""
    while True:
        block = fh.read(65536)
        if not block:
            return position
        newline = block.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(block)
