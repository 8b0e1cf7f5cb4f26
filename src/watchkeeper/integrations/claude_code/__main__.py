"""`python -m watchkeeper.integrations.claude_code`: the hook entry, without the CLI wrapper."""

import sys

from watchkeeper.integrations.claude_code.hook_entry import run_hook

raise SystemExit(run_hook(sys.argv[1:]))
