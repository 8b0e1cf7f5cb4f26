"""Changing the gateway's policy file from the UI (`/policy/edit`, admins only).

An edit is validated with the same loader the gateway uses before anything is written; a
policy that does not load is shown back with its one-line error and the file is untouched.
An edit made against a version of the file that has since changed is refused (409), so two
admins cannot silently overwrite each other. The change is recorded as a `policy_change`
review event (who, why, both versions' SHA-256 and the unified diff) before the new file
replaces the old one atomically; the gateway picks it up on its next call.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper.policy import PolicyError, parse_policy
from watchkeeper.review.web._auth import ReviewHttpError, check_csrf, require_admin
from watchkeeper.review.web._context import ReviewContext

__all__ = ["policy_edit_router"]

MAX_POLICY_BYTES = 256 * 1024
"""The largest policy the editor accepts."""
_DIFF_CHARS = 20_000


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewHttpError(500, f"cannot read the policy file `{path}`: {exc}") from exc


def _diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), name, name
    )
    return "".join(lines)[:_DIFF_CHARS]


def _staged(path: Path, text: str) -> Path:
    """Write `text` beside `path` (same mode, or 0600), fsynced; the temporary file's path."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def policy_edit_router(context: ReviewContext) -> APIRouter:
    """Return the policy editor page and its save action."""
    router = APIRouter()
    path = context.policy_path

    def page(
        request: Request, text: str, base: str, error: str = "", status_code: int = 200
    ) -> HTMLResponse:
        user = require_admin(request)
        return context.render(
            request,
            "policy_edit.html",
            user,
            status_code=status_code,
            text=text,
            base_sha=base,
            error=error,
            policy_path=str(path),
            max_bytes=MAX_POLICY_BYTES,
        )

    @router.get("/policy/edit", response_class=HTMLResponse, include_in_schema=False)
    def edit(request: Request) -> HTMLResponse:
        require_admin(request)
        text = _read(path)
        return page(request, text, _sha(text))

    @router.post("/policy/edit", include_in_schema=False)
    def save(
        request: Request,
        text: Annotated[str, Form()] = "",
        base_sha: Annotated[str, Form(max_length=64)] = "",
        reason: Annotated[str, Form(max_length=4000)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        user = require_admin(request)
        check_csrf(request, csrf_token)
        text = text.replace("\r\n", "\n")
        if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
            return page(request, text, base_sha, "the policy is too large to edit here", 413)
        if not reason.strip():
            return page(request, text, base_sha, "say why the policy changes (reason)", 400)
        current = _read(path)
        if _sha(current) != base_sha:
            msg = "the policy file changed since you opened it; reload and edit again"
            return page(request, text, base_sha, msg, 409)
        try:
            policy = parse_policy(text, source=str(path))
        except PolicyError as exc:
            return page(request, text, base_sha, str(exc), 400)
        staged = _staged(path, text)
        try:
            context.audit(
                "policy_change",
                user,
                target=f"policy:{path}",
                reason=reason,
                detail={
                    "before_sha256": _sha(current),
                    "after_sha256": _sha(text),
                    "rules": len(policy.rules),
                    "default": policy.default.value,
                    "diff": _diff(current, text, path.name),
                },
            )
            try:
                os.replace(staged, path)
            except OSError as exc:
                # The change was recorded but did not happen: record that too, and say so.
                context.audit(
                    "policy_change_failed",
                    user,
                    target=f"policy:{path}",
                    reason=str(exc),
                    detail={"after_sha256": _sha(text)},
                )
                msg = f"the policy file `{path}` could not be replaced ({exc}); nothing changed"
                raise ReviewHttpError(500, msg) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
        return RedirectResponse("/policy?changed=1", status_code=303)

    return router
