"""Interactive elements: their own small form in messages and Home, parts of a modal's form."""

from __future__ import annotations

import hashlib
import json

from bot.app.sandbox.forms import marker_name, widget_name
from bot.app.sandbox.markup import decode, esc, link, plain
from bot.app.sandbox.surface import Surface, hidden
from bot.app.sandbox.widgets import MULTI, control
from simulator.elements import JsonDict, text_of
from simulator.viewstate import VALUE_FIELDS, initial

# Elements whose value can be empty on the page: a hidden marker tells "none" from "absent".
_MARKED = MULTI | {"checkboxes"}
_STYLES = {"primary", "danger"}


def element_html(element: JsonDict, block_id: str, surface: Surface) -> str:
    """One element of an actions block or section accessory, wrapped in `.element`."""
    kind = str(element.get("type", ""))
    if kind == "image":
        return f'<span class="element">{image_text(element)}</span>'
    if kind == "button" and element.get("url"):
        return f'<span class="element">{_url_button(element)}</span>'
    if surface.modal:
        return _in_modal(element, block_id, surface)
    return _own_form(element, block_id, surface)


def image_text(image: JsonDict) -> str:
    """Images are shown as their alt text: nothing is fetched from a URL the app chose."""
    return f'<span class="image">[image: {esc(decode(str(image.get("alt_text", ""))))}]</span>'


def _button_label(element: JsonDict) -> str:
    return plain(text_of(element.get("text")))


def _button_class(element: JsonDict) -> str:
    style = element.get("style")
    return f"btn btn-{style}" if style in _STYLES else "btn btn-default"


def _confirm(element: JsonDict) -> str:
    """`data-confirm` with the dialog's words; the page script asks before sending."""
    confirm = element.get("confirm")
    if not isinstance(confirm, dict):
        return ""
    words = [decode(text_of(confirm.get(k))) for k in ("title", "text")]
    return f' data-confirm="{esc(" — ".join(w for w in words if w))}"'


def _url_button(element: JsonDict) -> str:
    """A link button opens its URL (safe schemes only); nothing is posted."""
    url = decode(str(element.get("url", "")))
    return link(url, decode(text_of(element.get("text"))), css=_button_class(element))


def _own_form(element: JsonDict, block_id: str, surface: Surface) -> str:
    """Messages and Home: each element posts its own form to the surface's action."""
    kind = str(element.get("type", ""))
    value = str(element.get("value", "")) if kind == "button" else ""
    fields = [
        ("block_id", block_id),
        ("action_id", str(element.get("action_id", ""))),
        ("value", value),
    ]
    head = (
        f'<form method="post" action="{esc(surface.action)}" class="element">'
        + surface.hidden_fields()
        + "".join(hidden(name, v) for name, v in fields)
    )
    if kind == "button":
        button = (
            f'<button type="submit" class="{_button_class(element)}"{_confirm(element)}>'
            f"{_button_label(element)}</button>"
        )
        return f"{head}{button}</form>"
    multi = kind in MULTI
    shown = control(
        element, "selected", initial_value(element), surface, ident="", autosubmit=not multi
    )
    go = '<button type="submit" class="btn btn-default">Go</button>'
    return f"{head}{shown}{go if multi else f'<noscript>{go}</noscript>'}</form>"


def initial_value(element: JsonDict) -> object:
    """What an element shows before anyone touches it (None for buttons)."""
    return initial(element) if str(element.get("type")) in VALUE_FIELDS else None


def _in_modal(element: JsonDict, block_id: str, surface: Surface) -> str:
    """Modals: buttons press with JSON; anything else is a widget sent at once on change."""
    if element.get("type") == "button":
        press = {"action_id": element.get("action_id"), "value": element.get("value")}
        button = (
            f'<button type="submit" name="press" value="{esc(json.dumps(press))}" '
            f'class="{_button_class(element)}" formnovalidate{_confirm(element)}>'
            f"{_button_label(element)}</button>"
        )
        return f'<span class="element">{button}</span>'
    return f'<span class="element">{widget(element, block_id, surface, dispatch=True)}</span>'


def widget(element: JsonDict, block_id: str, surface: Surface, *, dispatch: bool) -> str:
    """A modal's control named `in:{block_id}:{action_id}`, showing the current value.

    With `dispatch`, a change is sent at once through a hidden press button (as Slack sends
    block_actions for selects in actions blocks and dispatch_action inputs).
    """
    action_id = str(element.get("action_id", ""))
    name = widget_name(block_id, action_id)
    value = current_value(element, block_id, surface)
    html = control(element, name, value, surface, ident=field_id(name), autosubmit=dispatch)
    if element.get("type") in _MARKED:
        html += hidden(marker_name(block_id, action_id), "")
    if dispatch:
        press = esc(json.dumps({"action_id": action_id}))
        html += (
            f'<button type="submit" name="press" value="{press}" hidden data-dispatch '
            "formnovalidate>Send</button>"
        )
    return html


def current_value(element: JsonDict, block_id: str, surface: Surface) -> object:
    """The element's value in the modal's live state, else its initial value."""
    leaf = surface.state.get(block_id, {}).get(str(element.get("action_id", "")))
    field = VALUE_FIELDS.get(str(element.get("type")))
    if isinstance(leaf, dict) and field in leaf:
        return leaf[field]
    return initial_value(element)


def field_id(name: str) -> str:
    """A stable HTML id for a field name (names may hold any characters; ids should not)."""
    return "w-" + hashlib.sha256(name.encode()).hexdigest()[:12]
