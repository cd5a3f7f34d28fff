"""The aiohttp app that plays Slack's hosts: Web API, response_urls, permalinks, Socket Mode."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from typing import Any

from aiohttp import web

from simulator import api_chat, api_files, api_history, api_info, api_views, responses
from simulator.args import ApiError, Args
from simulator.calls import CallRecord
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict

logger = logging.getLogger(__name__)

METHODS: dict[str, ApiMethod] = {
    **api_chat.METHODS,
    **api_views.METHODS,
    **api_info.METHODS,
    **api_files.METHODS,
    **api_history.METHODS,
}
_JSON_ARGS = ("blocks", "view", "attachments", "metadata")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class ApiServer:
    """Serves one SimContext on 127.0.0.1 at an ephemeral port."""

    def __init__(self, ctx: SimContext) -> None:
        """Route Slack's URLs to the simulator."""
        self._ctx = ctx
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{url_id}", self._response_url)
        self.app.router.add_get("/archives/{channel}/{ts}", self._archive)
        self.app.router.add_get("/files-pri/{team_file}/{rest:.*}", self._download)
        self.app.router.add_post("/upload/v1/{token}", self._upload)
        self.app.router.add_get("/signin", api_files.sign_in)
        self.app.router.add_get("/link", ctx.hub.handle)
        self.app.router.add_get("/link/", ctx.hub.handle)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen (port 0 picks a free one) and return the base URL `http://host:port/`."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, listener).start()
        return f"http://{host}:{listener.getsockname()[1]}/"

    async def stop(self) -> None:
        """Stop listening and release the port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await _merged_args(request)
        except ApiError as error:
            return self._answer(request, method, {}, 200, error.body())
        spec = METHODS.get(method)
        if spec is None:
            body = {"ok": False, "error": "unknown_method", "req_method": method}
            return self._answer(request, method, args, 200, body)
        try:
            self._authenticate(request, args, spec)
        except ApiError as error:
            return self._answer(request, method, args, 200, error.body())
        fault = self._ctx.faults.check(method, args)
        if fault is not None:
            return self._answer(request, method, args, fault.status, fault.body, fault.headers)
        try:
            body = spec.handler(self._ctx, Args(args))
        except ApiError as error:
            body = error.body()
        except Exception:  # a simulator bug must still answer like Slack: JSON, not a trace
            logger.exception("simulator failed in %s", method)
            return self._answer(request, method, args, 500, {"ok": False, "error": "fatal_error"})
        return self._answer(
            request, method, args, 200, body, {"x-oauth-scopes": self._ctx.config.scopes}
        )

    def _authenticate(self, request: web.Request, args: dict[str, Any], spec: ApiMethod) -> None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if not token and spec.token == "bot":
            token = str(args.get("token") or "")  # Slack also accepts a token argument
        if not token:
            raise ApiError("not_authed")
        config = self._ctx.config
        if token not in (config.bot_token, config.app_token):
            raise ApiError("invalid_auth")
        expected = config.app_token if spec.token == "app" else config.bot_token
        if token != expected:
            raise ApiError("not_allowed_token_type")

    def _answer(
        self,
        request: web.Request,
        method: str,
        args: dict[str, Any],
        status: int,
        body: JsonDict,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        recorded = {k: v for k, v in args.items() if k != "token"}
        record = CallRecord(method, recorded, status, body, self._ctx.clock(), request.method)
        self._ctx.calls.append(record)
        self._ctx.changes.notify()
        if not body.get("ok", True) and status == 200:
            logger.info("api %s -> %s", method, body.get("error"))
        return web.json_response(body, status=status, headers=headers)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        return await api_files.download(self._ctx, request)

    async def _upload(self, request: web.Request) -> web.Response:
        return await api_files.upload(self._ctx, request)

    async def _response_url(self, request: web.Request) -> web.Response:
        return await responses.handle(self._ctx, request)

    async def _archive(self, request: web.Request) -> web.Response:
        """Show a permalinked message as a person would read it."""
        raw = request.match_info["ts"].removeprefix("p")
        ts = f"{raw[:-6]}.{raw[-6:]}"
        message = self._ctx.workspace.message(request.match_info["channel"], ts)
        if message is None:
            raise web.HTTPNotFound(text="message_not_found")
        return web.Response(text=message.rendered, content_type="text/plain")


async def _merged_args(request: web.Request) -> dict[str, Any]:
    """Merge query string, form body and JSON body (later wins), decoding JSON-string args."""
    merged: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            raw = await request.text()
            try:
                data = json.loads(raw) if raw.strip() else {}
            except json.JSONDecodeError:
                raise ApiError("invalid_json") from None
            if not isinstance(data, dict):
                raise ApiError("invalid_json")
            merged.update(data)
        elif request.content_type in _FORMS:
            form = await request.post()
            merged.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in _JSON_ARGS:
        value = merged.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # An undecodable string stays as it is; the method answers with its format error.
            with contextlib.suppress(json.JSONDecodeError):
                merged[key] = json.loads(value)
    return merged
