"""views.* methods: modals opened with triggers, stacked, updated by hash, and Home tabs."""

from __future__ import annotations

import json

from simulator.args import ApiError, Args, block_errors
from simulator.blockkit import VIEW_BYTES, view_errors
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict
from simulator.surfaces import SimView


def _view(args: Args, *, kind: str) -> JsonDict:
    """Return the `view` argument after Slack's size, schema and Block Kit checks."""
    view = args.json_value("view", error="invalid_arguments")
    if not isinstance(view, dict):
        raise block_errors(
            "invalid_arguments", ["missing required field: view [json-pointer:/view]"]
        )
    if len(json.dumps(view)) > VIEW_BYTES:
        raise ApiError("view_too_large")
    problems = view_errors(view)
    if view.get("type") != kind:
        problems.append(f"must be {kind} for this method [json-pointer:/view/type]")
    if problems:
        raise block_errors("invalid_arguments", problems)
    return view


def _answer(ctx: SimContext, view: SimView) -> JsonDict:
    return {"ok": True, "view": view.to_api(ctx.config)}


def _trigger_arg(args: Args) -> str | None:
    return args.text("trigger_id") or args.text("interactivity_pointer")


def views_open(ctx: SimContext, args: Args) -> JsonDict:
    """views.open: a fresh, single-use trigger opens a modal for the user who acted."""
    trigger = ctx.grants.check_trigger(_trigger_arg(args))
    view = _view(args, kind="modal")
    ctx.grants.redeem_trigger(trigger.id)
    return _answer(ctx, ctx.surfaces.open(trigger.user_id, view, trigger_id=trigger.id))


def views_push(ctx: SimContext, args: Args) -> JsonDict:
    """views.push: stack a view on the user's open modal (3 views at most)."""
    trigger = ctx.grants.check_trigger(_trigger_arg(args))
    view = _view(args, kind="modal")
    if len(ctx.surfaces.stack(trigger.user_id)) >= 3:
        raise ApiError("push_limit_reached")
    ctx.grants.redeem_trigger(trigger.id)
    return _answer(ctx, ctx.surfaces.push(trigger.user_id, view, trigger_id=trigger.id))


def _target(ctx: SimContext, args: Args) -> SimView:
    view_id, external_id = args.text("view_id"), args.text("external_id")
    if view_id is None and external_id is None:
        raise block_errors("invalid_arguments", ["view_id or external_id is required"])
    found = (
        ctx.surfaces.find(view_id) if view_id else ctx.surfaces.by_external_id(external_id or "")
    )
    if found is None:
        raise ApiError("not_found")
    return found


def _check_hash(view: SimView | None, args: Args) -> None:
    expected = args.text("hash")
    if view is not None and expected is not None and expected != view.hash:
        raise ApiError("hash_conflict")


def views_update(ctx: SimContext, args: Args) -> JsonDict:
    """views.update: replace an open view by view_id or external_id, guarded by `hash`."""
    target = _target(ctx, args)
    _check_hash(target, args)
    view = _view(args, kind=target.type)
    return _answer(ctx, ctx.surfaces.update(target, view))


def views_publish(ctx: SimContext, args: Args) -> JsonDict:
    """views.publish: set a user's Home tab (not_enabled when the Home tab is off)."""
    if not ctx.config.home_enabled:
        raise ApiError("not_enabled")
    user_id = args.require("user_id", "user_not_found")
    if user_id not in ctx.workspace.users:
        raise ApiError("user_not_found")
    _check_hash(ctx.surfaces.home(user_id), args)
    view = _view(args, kind="home")
    return _answer(ctx, ctx.surfaces.publish(user_id, view))


METHODS = {
    "views.open": ApiMethod(views_open),
    "views.push": ApiMethod(views_push),
    "views.update": ApiMethod(views_update),
    "views.publish": ApiMethod(views_publish),
}
