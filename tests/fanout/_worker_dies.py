"""TEST-ONLY: `watchkeeper worker` that SIGKILLs itself when about to ack one message.

The message is the one at stream sequence `$WK_TEST_DIE_AT` (by then its alert is durable),
so the test sees a worker die after doing the work and before acknowledging it.
Usage: python -m tests.fanout._worker_dies <worker options>
"""

from __future__ import annotations

import os
import signal
import sys

from nats.aio.msg import Msg

from watchkeeper.cli.main import main

_ack = Msg.ack


async def _ack_or_die(self: Msg) -> None:
    if self.metadata.sequence.stream == int(os.environ["WK_TEST_DIE_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
    await _ack(self)


if __name__ == "__main__":
    Msg.ack = _ack_or_die  # type: ignore[method-assign]
    sys.argv = ["watchkeeper", "worker", *sys.argv[1:]]
    main()
