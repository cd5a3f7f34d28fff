"""The sandbox's web server: loopback by default, every change a POST carrying the page's token."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.app.sandbox.page import DM, Where, render_page
from bot.app.sandbox.session import Sandbox

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
SANDBOX = web.AppKey("sandbox", Sandbox)
TOKEN = web.AppKey("token", str)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SandboxServer:
    """Serves the page for a Sandbox on host:port (port 0 picks a free one)."""

    def __init__(self, sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 8080) -> None:
        """Nothing listens until start()."""
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self.allowed_hosts: frozenset[str] = frozenset()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "[::]") else host  # noqa: S104
        return f"http://{shown}:{self.port}/"

    async def start(self) -> None:
        """Listen; afterwards `port` is the real port."""
        app = web.Application(middlewares=[self._guard])
        app[SANDBOX] = self.sandbox
        app[TOKEN] = secrets.token_urlsafe(32)
        app.router.add_get("/", _page)
        app.router.add_get("/changes", _changes)
        app.router.add_static("/static/", STATIC)
        app.router.add_post("/say", _say)
        app.router.add_post("/act/message", _act_message)
        app.router.add_post("/act/home", _act_home)
        app.router.add_post("/act/view", _act_view)
        app.router.add_post("/act/shortcut", _act_shortcut)
        app.router.add_post("/home", _home)
        app.router.add_post("/skip", _skip)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # aiohttp keeps the bound socket here
        if server is not None and server.sockets:  # type: ignore[attr-defined]
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        if is_loopback(self.host):  # a wider bind was asked for: then any Host is accepted
            names = ("127.0.0.1", "localhost", "[::1]")
            self.allowed_hosts = frozenset(f"{n}:{self.port}" for n in names)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse other sites' forms and DNS-rebound hosts; add the security headers."""
        if self.allowed_hosts and request.host not in self.allowed_hosts:
            raise web.HTTPMisdirectedRequest(text="This sandbox answers only on its own address.")
        if request.method == "POST":
            form = await request.post()
            if not secrets.compare_digest(str(form.get("token", "")), request.app[TOKEN]):
                raise web.HTTPForbidden(text="This form is stale or not from the sandbox: reload.")
        response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        return response


Fields = dict[str, list[str]]


async def _fields(request: web.Request) -> Fields:
    """The posted form as name -> every value (files and bytes have no place here)."""
    form = await request.post()
    return {k: [v for v in form.getall(k) if isinstance(v, str)] for k in form}


def _one(fields: Fields, name: str) -> str:
    return (fields.get(name) or [""])[0]


def _actor(request: web.Request, fields: Fields | None = None) -> str:
    sandbox = request.app[SANDBOX]
    wanted = _one(fields, "as") if fields is not None else request.query.get("as", "")
    return wanted if sandbox.person(wanted) is not None else sandbox.people[0].id


async def _page(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    where = Where(
        _actor(request),
        request.query.get("in") or DM,
        request.query.get("thread") or None,
    )
    html = render_page(sandbox, where, token=request.app[TOKEN])
    return web.Response(text=html, content_type="text/html")


async def _changes(request: web.Request) -> web.Response:
    """How many things have happened; the page reloads when this moves."""
    return web.Response(text=str(request.app[SANDBOX].changes))


def _back(request: web.Request, actor: str) -> web.HTTPSeeOther:
    """Back to the page the form was on (same origin only), else the person's DM."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.host and referer.path == "/":
        query = "&".join(p for p in referer.query.split("&") if not p.startswith("as="))
        return web.HTTPSeeOther(f"/?as={actor}" + (f"&{query}" if query else ""))
    return web.HTTPSeeOther(Where(actor).url())


async def _say(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    thread = _one(fields, "thread") or None
    await request.app[SANDBOX].type(actor, _one(fields, "channel"), _one(fields, "text"), thread)
    raise _back(request, actor)


async def _act_message(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    await request.app[SANDBOX].click(
        actor,
        channel=_one(fields, "channel"),
        ts=_one(fields, "ts"),
        action_id=_one(fields, "action_id"),
        value=_one(fields, "value"),
        chosen=fields.get("selected", []),
    )
    raise _back(request, actor)


async def _act_home(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    await request.app[SANDBOX].click_home(
        actor,
        action_id=_one(fields, "action_id"),
        value=_one(fields, "value"),
        chosen=fields.get("selected", []),
    )
    raise _back(request, actor)


async def _act_view(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    await request.app[SANDBOX].press_in_modal(actor, view_id=_one(fields, "view_id"), fields=fields)
    raise _back(request, actor)


async def _act_shortcut(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    await request.app[SANDBOX].run_shortcut(
        actor,
        channel=_one(fields, "channel"),
        ts=_one(fields, "ts"),
        callback_id=_one(fields, "callback_id"),
    )
    raise _back(request, actor)


async def _home(request: web.Request) -> web.Response:
    actor = _actor(request, await _fields(request))
    await request.app[SANDBOX].open_home(actor)
    raise web.HTTPSeeOther(Where(actor, "home").url())


async def _skip(request: web.Request) -> web.Response:
    fields = await _fields(request)
    actor = _actor(request, fields)
    await request.app[SANDBOX].skip(actor, _one(fields, "by"))
    raise _back(request, actor)
