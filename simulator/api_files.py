"""files.* methods and the file hosts: upload URLs, completing uploads, info and downloads."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from simulator.api_chat import ensure_can_post, resolve_target
from simulator.args import ApiError, Args
from simulator.calls import CallRecord
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict
from simulator.files import SIGN_IN_PAGE, SimFile

MAX_UPLOAD = 1024 * 1024 * 1024  # Slack's limit for one file, 1 GB


def file_object(ctx: SimContext, file: SimFile) -> JsonDict:
    """The file as the Web API shows it to the app."""
    return file.to_api(base_url=ctx.base_url, team_id=ctx.config.team_id)


def get_upload_url(ctx: SimContext, args: Args) -> JsonDict:
    """files.getUploadURLExternal: reserve a file id and a URL to POST its bytes to."""
    filename = args.require("filename", "invalid_arguments")
    try:
        length = int(str(args.get("length", "")))
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if length <= 0 or length > MAX_UPLOAD:
        raise ApiError("invalid_arguments")
    file = ctx.workspace.files.add(
        name=filename,
        content=b"",
        user=ctx.config.bot_user_id,
        created=int(ctx.clock()),
        complete=False,
    )
    upload_url = f"{ctx.base_url}upload/v1/{file.upload_token}"
    return {"ok": True, "upload_url": upload_url, "file_id": file.id}


def _requested_files(args: Args) -> list[JsonDict]:
    raw = args.get("files")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ApiError("invalid_arguments") from None
    if not isinstance(raw, list) or not raw or not all(isinstance(f, dict) for f in raw):
        raise ApiError("invalid_arguments")
    return raw


def complete_upload(ctx: SimContext, args: Args) -> JsonDict:
    """files.completeUploadExternal: finish uploads and share them in a channel or thread."""
    wanted = _requested_files(args)
    files: list[SimFile] = []
    for entry in wanted:
        file = ctx.workspace.files.files.get(str(entry.get("id", "")))
        if file is None or file.complete or not file.content:
            raise ApiError("file_not_found")
        files.append(file)
    channel_id = args.text("channel_id")
    channel = resolve_target(ctx, channel_id) if channel_id else None
    if channel is not None:
        ensure_can_post(ctx, channel)
    for file, entry in zip(files, wanted, strict=True):
        file.complete = True
        file.title = str(entry.get("title") or file.name)
    if channel is not None:
        message = ctx.workspace.post(
            channel.id,
            user=ctx.config.bot_user_id,
            text=args.text("initial_comment") or "",
            thread_ts=args.text("thread_ts"),
            from_bot=True,
            files=[file_object(ctx, f) for f in files],
        )
        for file in files:
            ctx.workspace.files.share(file, channel.id, message.ts)
        ctx.echo_message(message)
    return {"ok": True, "files": [{"id": f.id, "title": f.title} for f in files]}


def files_info(ctx: SimContext, args: Args) -> JsonDict:
    """files.info: the file object with where it has been shared."""
    file = ctx.workspace.files.files.get(args.require("file", "file_not_found"))
    if file is None or not file.complete:
        raise ApiError("file_not_found")
    body = file_object(ctx, file)
    shares: dict[str, Any] = {"private": {}, "public": {}}
    for channel_id, stamps in file.shares.items():
        channel = ctx.workspace.channels.get(channel_id)
        kind = "public" if channel is not None and not channel.is_private else "private"
        shares[kind][channel_id] = [{"ts": ts} for ts in stamps]
    body["shares"] = {k: v for k, v in shares.items() if v}
    body["channels"] = [c for c in file.shares if c.startswith("C")]
    body["ims"] = [c for c in file.shares if c.startswith("D")]
    return {"ok": True, "file": body}


async def download(ctx: SimContext, request: web.Request) -> web.StreamResponse:
    """GET url_private(_download): the bytes with the bot token, Slack's sign-in page without."""
    token_file = request.match_info["team_file"].rsplit("-", 1)[-1]
    file = ctx.workspace.files.files.get(token_file)
    header = request.headers.get("Authorization", "")
    authorised = header == f"Bearer {ctx.config.bot_token}"
    status = 200 if authorised and file is not None and file.complete else 302
    _record(ctx, "file.download", {"file": token_file, "authorised": authorised}, status)
    if file is None or not file.complete:
        raise web.HTTPNotFound(text="file_not_found")
    if not authorised:
        # Slack answers a request without the token with a redirect to its sign-in page.
        raise web.HTTPFound(f"{ctx.base_url}signin")
    return web.Response(body=file.content, content_type=file.mimetype)


async def sign_in(_request: web.Request) -> web.Response:
    """The page a browser without a session lands on."""
    return web.Response(text=SIGN_IN_PAGE, content_type="text/html")


async def upload(ctx: SimContext, request: web.Request) -> web.Response:
    """POST to an upload URL: raw bytes, or a multipart form with a `file` part."""
    file = ctx.workspace.files.by_upload_token(request.match_info["token"])
    if file is None or file.complete:
        _record(ctx, "file.upload", {}, 404)
        raise web.HTTPNotFound(text="upload_url_not_found")
    if request.content_type == "multipart/form-data":
        form = await request.post()
        part = form.get("file")
        if isinstance(part, web.FileField):
            content = part.file.read()
        else:
            content = part.encode() if isinstance(part, str) else bytes(part or b"")
    else:
        content = await request.read()
    file.content = content
    _record(ctx, "file.upload", {"file": file.id, "bytes": len(content)}, 200)
    return web.Response(text=f"OK - {len(content)}")


def _record(ctx: SimContext, method: str, args: dict[str, Any], status: int) -> None:
    ctx.calls.append(CallRecord(method, args, status, {"ok": status == 200}, ctx.clock(), "GET"))
    ctx.changes.notify()


METHODS = {
    "files.getUploadURLExternal": ApiMethod(get_upload_url),
    "files.completeUploadExternal": ApiMethod(complete_upload),
    "files.info": ApiMethod(files_info),
}
