"""Acting inside modals and the Home tab: filling inputs, submitting, closing, clicking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator import payloads
from simulator.acting import ActorBase
from simulator.blockkit import view_errors
from simulator.elements import JsonDict, find_action
from simulator.results import Delivery, InteractionResult, SubmitResult, user_error
from simulator.surfaces import MAX_STACK, SimView
from simulator.viewstate import VALUE_FIELDS, build_state, client_errors, leaf
from simulator.workspace import SimulatorError


class ModalActions(ActorBase):
    """What a person can do with an open modal or their Home tab."""

    def _modal(self, user_id: str, view_id: str | None) -> SimView:
        surfaces = self._ctx.surfaces
        view = surfaces.find(view_id) if view_id else surfaces.top(user_id)
        if view is None or view.type != "modal" or view.user_id != user_id:
            raise SimulatorError(f"{user_id} has no open modal {view_id or ''}".rstrip())
        return view

    def _fill(self, view: SimView, values: Mapping[str, object] | None) -> None:
        """Type `values` into the view, as the person would before acting."""
        view.state = build_state(
            view.blocks, view.state, values or {}, workspace=self._ctx.workspace
        )

    async def submit_view(
        self,
        user_id: str,
        values: Mapping[str, object] | None = None,
        *,
        view_id: str | None = None,
        forged: bool = False,
    ) -> SubmitResult:
        """Fill inputs (keyed by block_id) and press Submit; apply the app's response_action.

        Like Slack's client, a required input left empty (or a length violation) is refused
        before anything is sent: the result has `errors` and no delivery. `forged=True` skips
        those client checks, as a modified client or a replayed payload would.
        """
        ctx = self._ctx
        view = self._modal(user_id, view_id)
        self._fill(view, values)
        refused = client_errors(view.blocks, view.state)
        if refused and not forged:
            return SubmitResult(None, None, errors=refused, response_action="errors", view=view)
        trigger_id = ctx.grants.issue_trigger(user_id)
        payload = payloads.view_submission(
            ctx.config,
            user=self._user(user_id),
            view=view.to_api(ctx.config),
            trigger_id=trigger_id,
        )
        delivery = await self._send("interactive", payload)
        return self._apply_submission(view, delivery, payload)

    def _apply_submission(
        self, view: SimView, delivery: Delivery, payload: JsonDict
    ) -> SubmitResult:
        """Do what Slack does with a view_submission ack (spec section 3.7)."""
        result = SubmitResult(delivery, payload, error=user_error(delivery), view=view)
        if result.error is not None:
            return result
        data: Any = delivery.json
        if not delivery.body.strip():
            return self._closed(result, self._ctx.surfaces.close(view), view.user_id)
        if not isinstance(data, dict):
            result.error = "invalid_response"
            return result
        result.response_action = action = data.get("response_action")
        if action == "errors":
            return self._errors(result, view, data.get("errors"))
        if action == "clear":
            return self._closed(result, self._ctx.surfaces.clear(view.user_id), view.user_id)
        if action in ("update", "push"):
            return self._replace(result, view, str(action), data.get("view"))
        result.error = "invalid_response_action"
        return result

    def _closed(self, result: SubmitResult, closed: list[SimView], user_id: str) -> SubmitResult:
        result.closed = bool(closed)
        result.view = self._ctx.surfaces.top(user_id)
        return result

    @staticmethod
    def _errors(result: SubmitResult, view: SimView, errors: Any) -> SubmitResult:
        if not isinstance(errors, dict) or not errors:
            result.error = "invalid_errors"
            return result
        result.errors = {str(k): str(v) for k, v in errors.items()}
        unknown = sorted(set(result.errors) - set(view.input_block_ids()))
        if unknown:
            result.error = f"errors name blocks that are not inputs: {unknown}"
        return result

    def _replace(self, result: SubmitResult, view: SimView, action: str, new: Any) -> SubmitResult:
        problems = view_errors(new)
        if problems or not isinstance(new, dict) or new.get("type") != "modal":
            result.error = f"invalid view in response_action {action}: {problems}"
            return result
        surfaces = self._ctx.surfaces
        if action == "update":
            result.view = surfaces.update(view, new)
        elif len(surfaces.stack(view.user_id)) >= MAX_STACK:
            result.error = "push_limit_reached"
        else:
            result.view = surfaces.push(view.user_id, new, trigger_id=None)
        return result

    async def close_view(
        self, user_id: str, *, view_id: str | None = None, clear: bool = False
    ) -> InteractionResult | None:
        """Press Cancel (closes one view) or, with `clear`, the X (closes the whole stack).

        A view made with `clear_on_close` closes the whole stack from its close button too,
        as in Slack. Sends view_closed when the view asked for `notify_on_close`; returns None
        otherwise.
        """
        ctx = self._ctx
        view = self._modal(user_id, view_id)
        clear = clear or bool(view.definition.get("clear_on_close"))
        closed = ctx.surfaces.clear(user_id) if clear else ctx.surfaces.close(view)
        reported = closed[0] if clear else view
        if not reported.notify_on_close:
            return None
        payload = payloads.view_closed(
            ctx.config,
            user=self._user(user_id),
            view=reported.to_api(ctx.config),
            is_cleared=clear,
        )
        delivery = await self._send("interactive", payload)
        return self._result(delivery, "", None, payload)

    async def click_in_view(
        self,
        user_id: str,
        action_id: str,
        *,
        value: str | None = None,
        selected: object = None,
        values: Mapping[str, object] | None = None,
        view_id: str | None = None,
    ) -> InteractionResult:
        """Operate an element in the open modal (after typing `values`, keyed by block_id)."""
        view = self._modal(user_id, view_id)
        self._fill(view, values)
        return await self._act_in(view, action_id, value=value, selected=selected)

    async def click_in_home(
        self, user_id: str, action_id: str, *, value: str | None = None, selected: object = None
    ) -> InteractionResult:
        """Operate an element on the user's published Home tab."""
        home = self._ctx.surfaces.home(user_id)
        if home is None:
            raise SimulatorError(f"no Home tab has been published for {user_id}")
        return await self._act_in(home, action_id, value=value, selected=selected)

    async def _act_in(
        self, view: SimView, action_id: str, *, value: str | None, selected: object
    ) -> InteractionResult:
        ctx = self._ctx
        found = find_action(view.blocks, action_id, value)
        if found is None:
            raise SimulatorError(
                f"view {view.id} has no action {action_id!r}; it has {view.action_ids()}"
            )
        block, element = found
        action = self._action(block, element, selected=selected, where=f"action {action_id!r}")
        if element.get("type") not in ("button", "overflow"):
            # The selection stays visible in the view and travels in later payloads' state.
            chosen = action[VALUE_FIELDS[str(element.get("type"))]]
            block_state = view.state.setdefault(str(block.get("block_id")), {})
            block_state[str(element.get("action_id"))] = leaf(element, chosen)
        trigger_id = ctx.grants.issue_trigger(view.user_id)
        payload = payloads.block_actions(
            ctx.config,
            user=self._user(view.user_id),
            trigger_id=trigger_id,
            container={"type": "view", "view_id": view.id},
            action=action,
            extra={"view": view.to_api(ctx.config)},
        )
        delivery = await self._send("interactive", payload)
        return self._result(delivery, trigger_id, None, payload)
