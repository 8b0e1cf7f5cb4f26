"""`python -m watchkeeper.integrations.claude_code`: the hook entry, without the CLI wrapper."""

import sys

from watchkeeper.integrations.claude_code.hook_entry import main

main(sys.argv[1:])
