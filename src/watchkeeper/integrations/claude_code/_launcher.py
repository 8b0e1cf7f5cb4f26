"""Fast start for the hook: ``python -S -I …/claude_code/_launcher.py`` (what `install` writes).

``-S`` skips the virtualenv's `site` start-up, so the package root is put on `sys.path`
here. This file stays tiny on purpose: Python caches the bytecode of imported modules but
compiles the script file it is given on every start.
"""

import sys

# <root>/watchkeeper/integrations/claude_code/_launcher.py → <root>, without `os` (ms to import)
_parts = __file__.rsplit("/", 4)
if len(_parts) == 5 and _parts[0]:
    sys.path.insert(0, _parts[0])
else:  # a short relative path: let `os` work it out
    import os

    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))

from watchkeeper.integrations.claude_code.hook_entry import main  # noqa: E402 - needs the path

main(sys.argv[1:])
