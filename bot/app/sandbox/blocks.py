"""Block Kit messages, Home tabs and modals as safe HTML forms the sandbox page can post."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bot.app.sandbox.elements import element_html, field_id, image_text, widget
from bot.app.sandbox.forms import CLOSE, SUBMIT, widget_name
from bot.app.sandbox.markup import Names, esc, mrkdwn, plain, text_object
from bot.app.sandbox.richtext import rich_text_html
from bot.app.sandbox.surface import FormContext, Surface, hidden
from bot.app.sandbox.widgets import GROUPS
from simulator.elements import JsonDict, text_of

__all__ = ["FormContext", "home_html", "message_html", "modal_html"]

Draw = Callable[[JsonDict, Surface], str]


def message_html(
    message_text: str,
    blocks: list[JsonDict],
    attachments: list[JsonDict],
    *,
    names: Names,
    form: FormContext,
    channel: str,
    ts: str,
    users: Sequence[tuple[str, str]] = (),
) -> str:
    """A message body: blocks (or text), then attachments; elements post to /act/message."""
    extra = (("channel", channel), ("ts", ts))
    surface = Surface(names, form, users, action="/act/message", extra=extra)
    parts = [_content(message_text, blocks, surface)]
    for attachment in attachments:
        inner = _content(str(attachment.get("text", "")), attachment.get("blocks") or [], surface)
        parts.append(f'<div class="attachment">{inner}</div>')
    return f'<div class="bk-message">{"".join(parts)}</div>'


def _content(text: str, blocks: list[JsonDict], surface: Surface) -> str:
    """Blocks when there are any; a typed message's rich_text only repeats its text, though."""
    typed = bool(text) and all(b.get("type") == "rich_text" for b in blocks)
    if blocks and not typed:
        return _blocks(blocks, surface)
    return f'<div class="bk-text">{mrkdwn(text, surface.names)}</div>' if text else ""


def home_html(
    view: JsonDict, *, names: Names, form: FormContext, users: Sequence[tuple[str, str]] = ()
) -> str:
    """A published Home tab; each element posts its own form to /act/home."""
    surface = Surface(names, form, users, action="/act/home")
    return f'<div class="bk-home">{_blocks(list(view.get("blocks", [])), surface)}</div>'


def modal_html(
    view_id: str,
    view: JsonDict,
    state: JsonDict,
    *,
    names: Names,
    form: FormContext,
    errors: Mapping[str, str],
    users: Sequence[tuple[str, str]],
) -> str:
    """A modal as one form posting to /act/view; every button says what it is in `press`."""
    surface = Surface(names, form, users, state=state)
    blocks = list(view.get("blocks", []))
    body = "".join(_modal_block(b, surface, errors) for b in blocks)
    known = {str(b.get("block_id", "")) for b in blocks if b.get("type") == "input"}
    stray = "".join(_error(m) for k, m in errors.items() if k not in known)
    return (
        f'<form method="post" action="/act/view" class="modal" data-view-id="{esc(view_id)}">'
        f"{surface.hidden_fields()}{hidden('view_id', view_id)}{_default_button(view)}"
        f"<h2>{plain(text_of(view.get('title')))}</h2>"
        f'<div class="modal-body">{stray}{body}</div>{_footer(view)}</form>'
    )


def _default_button(view: JsonDict) -> str:
    """What Enter in a text box presses: Submit, as in Slack (nothing when there is no Submit)."""
    disabled = "" if view.get("submit") else " disabled"
    return (
        f'<button type="submit" name="press" value="{SUBMIT}" hidden tabindex="-1"{disabled}>'
        "Submit</button>"
    )


def _footer(view: JsonDict) -> str:
    close = plain(text_of(view.get("close"))) or "Cancel"
    buttons = (
        f'<button type="submit" name="press" value="{CLOSE}" class="btn btn-default" '
        f"formnovalidate>{close}</button>"
    )
    if view.get("submit"):
        buttons += (
            f'<button type="submit" name="press" value="{SUBMIT}" class="btn btn-primary">'
            f"{plain(text_of(view.get('submit')))}</button>"
        )
    return f'<footer class="footer">{buttons}</footer>'


def _blocks(blocks: list[JsonDict], surface: Surface) -> str:
    return "".join(_block(b, surface) for b in blocks if isinstance(b, dict))


def _modal_block(block: JsonDict, surface: Surface, errors: Mapping[str, str]) -> str:
    if block.get("type") == "input":
        return _input(block, surface, errors.get(str(block.get("block_id", ""))))
    return _block(block, surface)


def _block(block: JsonDict, surface: Surface) -> str:
    draw = _DRAW.get(str(block.get("type", "")))
    return draw(block, surface) if draw else ""


def _wrap(tag: str, block: JsonDict, inner: str) -> str:
    kind, block_id = esc(block.get("type", "")), esc(block.get("block_id", ""))
    return f'<{tag} class="bk bk-{kind}" data-block-id="{block_id}">{inner}</{tag}>'


def _header(block: JsonDict, surface: Surface) -> str:
    return _wrap("h3", block, plain(text_of(block.get("text"))))


def _divider(block: JsonDict, surface: Surface) -> str:
    block_id = esc(block.get("block_id", ""))
    return f'<hr class="bk bk-divider" data-block-id="{block_id}">'


def _section(block: JsonDict, surface: Surface) -> str:
    names = surface.names
    parts = []
    if block.get("text"):
        parts.append(f'<div class="bk-text">{text_object(block["text"], names)}</div>')
    fields = [f for f in block.get("fields", []) if f]
    if fields:
        cells = "".join(f'<div class="bk-field">{text_object(f, names)}</div>' for f in fields)
        parts.append(f'<div class="bk-fields">{cells}</div>')
    inner = f'<div class="bk-body">{"".join(parts)}</div>'
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        shown = element_html(accessory, str(block.get("block_id", "")), surface)
        inner += f'<div class="bk-accessory">{shown}</div>'
    return _wrap("div", block, inner)


def _context(block: JsonDict, surface: Surface) -> str:
    items = []
    for element in block.get("elements", []):
        if isinstance(element, dict) and element.get("type") == "image":
            items.append(image_text(element))
        else:
            items.append(f"<span>{text_object(element, surface.names)}</span>")
    return _wrap("div", block, " ".join(items))


def _actions(block: JsonDict, surface: Surface) -> str:
    block_id = str(block.get("block_id", ""))
    elements = [e for e in block.get("elements", []) if isinstance(e, dict)]
    return _wrap("div", block, "".join(element_html(e, block_id, surface) for e in elements))


def _image(block: JsonDict, surface: Surface) -> str:
    title = block.get("title")
    caption = f'<div class="bk-text">{plain(text_of(title))}</div>' if title else ""
    return _wrap("div", block, caption + image_text(block))


def _rich_text(block: JsonDict, surface: Surface) -> str:
    return _wrap("div", block, rich_text_html(block, surface.names))


def _markdown(block: JsonDict, surface: Surface) -> str:
    return _wrap("div", block, plain(str(block.get("text", ""))))


def _input(block: JsonDict, surface: Surface, error: str | None) -> str:
    """A modal input: label, the control showing its current value, hint and any error."""
    element = block.get("element")
    if not isinstance(element, dict):
        return ""
    block_id = str(block.get("block_id", ""))
    control = widget(element, block_id, surface, dispatch=bool(block.get("dispatch_action")))
    ident = field_id(widget_name(block_id, str(element.get("action_id", ""))))
    target = f'id="{ident}-label"' if element.get("type") in GROUPS else f'for="{ident}"'
    optional = '<span class="optional"> (optional)</span>' if block.get("optional") else ""
    label = f"<label {target}>{plain(text_of(block.get('label')))}{optional}</label>"
    hint = block.get("hint")
    about = f'<div class="hint">{text_object(hint, surface.names)}</div>' if hint else ""
    return _wrap("div", block, label + control + about + (_error(error) if error else ""))


def _error(message: str) -> str:
    return f'<div class="error" role="alert">{esc(message)}</div>'


_DRAW: dict[str, Draw] = {
    "header": _header,
    "divider": _divider,
    "section": _section,
    "context": _context,
    "actions": _actions,
    "image": _image,
    "rich_text": _rich_text,
    "markdown": _markdown,
}
