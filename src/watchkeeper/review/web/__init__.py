"""The review web UI: overview, approvals, alerts, session timelines, deployments and policy.

`install_review_ui(app, …)` mounts server-rendered pages (jinja2, autoescaped; htmx polling
for live parts; no build step) into the gateway's FastAPI app. Sign-in, sessions and CSRF
tokens come from `watchkeeper.accounts`; the pages enforce roles again on every action and
record every reviewer action as a `ReviewEvent` before reporting it done.
"""

from watchkeeper.review.web._auth import ReviewHttpError
from watchkeeper.review.web._headers import SECURITY_HEADERS, SecurityHeaders
from watchkeeper.review.web._install import ReviewUI, install_review_ui
from watchkeeper.review.web._status import StatusCache, StatusSnapshot
from watchkeeper.review.web._text import Clipped, clip, plain

__all__ = [
    "SECURITY_HEADERS",
    "Clipped",
    "ReviewHttpError",
    "ReviewUI",
    "SecurityHeaders",
    "StatusCache",
    "StatusSnapshot",
    "clip",
    "install_review_ui",
    "plain",
]
