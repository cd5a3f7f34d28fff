"""Form controls for Block Kit's value-bearing elements, each showing its current value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from bot.app.sandbox.markup import decode, esc
from bot.app.sandbox.markup import plain as plain_html
from bot.app.sandbox.richtext import flatten
from bot.app.sandbox.surface import Surface
from simulator.elements import JsonDict, text_of

_TEXT_TYPES = {
    "plain_text_input": "text",
    "email_text_input": "email",
    "url_text_input": "url",
    "number_input": "number",
}
_PICKER_TYPES = {"datepicker": "date", "timepicker": "time", "datetimepicker": "datetime-local"}
MULTI = frozenset(
    {
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
GROUPS = frozenset({"radio_buttons", "checkboxes"})
# (element, field name, value, surface, attributes such as id and data-autosubmit) -> HTML
Draw = Callable[[JsonDict, str, object, Surface, str], str]


def chosen(value: object) -> set[str]:
    """The option values (or user/channel ids) a current value selects."""
    if isinstance(value, dict):
        return {str(value.get("value"))}
    if isinstance(value, list):
        return {str(v.get("value")) if isinstance(v, dict) else str(v) for v in value}
    return set() if value in (None, "") else {str(value)}


def control(
    element: JsonDict, name: str, value: object, surface: Surface, *, ident: str, autosubmit: bool
) -> str:
    """The control for one element named `name`, showing `value` (a state or initial value).

    `ident` is the control's HTML id (a radio or checkbox group's, for its label).
    """
    kind = str(element.get("type"))
    attrs = " data-autosubmit" if autosubmit else ""
    if kind in GROUPS:
        return _choices(element, name, value, attrs, ident)
    draw: Draw = _DRAW.get(kind, _text)
    return draw(element, name, value, surface, (f' id="{esc(ident)}"' if ident else "") + attrs)


def _words(obj: object) -> str:
    """A text object's words, Slack's entities decoded (escape before use)."""
    return decode(text_of(obj))


def _placeholder(element: JsonDict) -> str:
    text = _words(element.get("placeholder"))
    return f' placeholder="{esc(text)}"' if text else ""


def _text(element: JsonDict, name: str, value: object, surface: Surface, attrs: str) -> str:
    shown = flatten(value) if isinstance(value, dict) else "" if value is None else str(value)
    limit = element.get("max_length")
    extra = _placeholder(element) + (f' maxlength="{limit}"' if isinstance(limit, int) else "")
    if element.get("multiline") or element.get("type") == "rich_text_input":
        # The parser drops one newline after <textarea>: give it one, so typed ones survive.
        return f'<textarea name="{esc(name)}"{extra}{attrs}>\n{esc(shown)}</textarea>'
    kind = _TEXT_TYPES.get(str(element.get("type")), "text")
    if kind == "number":
        extra += ' step="any"' if element.get("is_decimal_allowed") else ' step="1"'
    return f'<input type="{kind}" name="{esc(name)}" value="{esc(shown)}"{extra}{attrs}>'


def _picker(element: JsonDict, name: str, value: object, surface: Surface, attrs: str) -> str:
    kind = _PICKER_TYPES[str(element.get("type"))]
    shown = "" if value in (None, "") else str(value)
    if kind == "datetime-local" and isinstance(value, int | float):
        moment = dt.datetime.fromtimestamp(int(value), ZoneInfo(surface.names.tz))
        shown = moment.strftime("%Y-%m-%dT%H:%M")
    return f'<input type="{kind}" name="{esc(name)}" value="{esc(shown)}"{attrs}>'


def _select(element: JsonDict, name: str, value: object, surface: Surface, attrs: str) -> str:
    picked = chosen(value)
    kind = str(element.get("type"))
    if kind in MULTI:
        body = _options(element, picked, surface)
        return f'<select name="{esc(name)}" multiple{attrs}>{body}</select>'
    prompt = _words(element.get("placeholder")) or ("⋯" if kind == "overflow" else "")
    empty = f'<option value="">{esc(prompt)}</option>'
    body = empty + _options(element, picked, surface)
    return f'<select name="{esc(name)}"{attrs}>{body}</select>'


def _options(element: JsonDict, picked: set[str], surface: Surface) -> str:
    kind = str(element.get("type"))
    if "users" in kind:
        return _pairs(surface.users, picked)
    if "conversations" in kind or "channels" in kind:
        return _pairs(sorted(surface.names.channels.items(), key=lambda p: p[1]), picked)
    found = [_option(o, picked) for o in element.get("options", []) if isinstance(o, dict)]
    for group in element.get("option_groups", []):
        inner = "".join(_option(o, picked) for o in group.get("options", []))
        found.append(f'<optgroup label="{esc(_words(group.get("label")))}">{inner}</optgroup>')
    if kind in ("external_select", "multi_external_select"):
        found += [_pair(v, v, picked) for v in sorted(picked)]
    return "".join(found)


def _option(option: JsonDict, picked: set[str]) -> str:
    return _pair(str(option.get("value", "")), _words(option.get("text")), picked)


def _pairs(pairs: Iterable[tuple[str, str]], picked: set[str]) -> str:
    return "".join(_pair(value, label, picked) for value, label in pairs)


def _pair(value: str, label: str, picked: set[str]) -> str:
    selected = " selected" if value in picked else ""
    return f'<option value="{esc(value)}"{selected}>{esc(label)}</option>'


def _choices(element: JsonDict, name: str, value: object, attrs: str, ident: str) -> str:
    picked = chosen(value)
    kind = "radio" if element.get("type") == "radio_buttons" else "checkbox"
    items = []
    for option in element.get("options", []):
        if not isinstance(option, dict):
            continue
        option_value = str(option.get("value", ""))
        checked = " checked" if option_value in picked else ""
        description = option.get("description")
        about = f'<span class="description">{_label(description)}</span>' if description else ""
        items.append(
            f'<label class="option"><input type="{kind}" name="{esc(name)}" '
            f'value="{esc(option_value)}"{checked}{attrs}> {_label(option.get("text"))}'
            f"{about}</label>"
        )
    labelled = f' aria-labelledby="{esc(ident)}-label"' if ident else ""
    return f'<div class="choices" role="group"{labelled}>{"".join(items)}</div>'


def _label(obj: object) -> str:
    """Option text: mrkdwn markers are left as typed (options rarely use them)."""
    return plain_html(text_of(obj))


_DRAW: dict[str, Draw] = {
    **dict.fromkeys(_PICKER_TYPES, _picker),
    **dict.fromkeys(
        (
            "static_select",
            "external_select",
            "users_select",
            "conversations_select",
            "channels_select",
            "overflow",
            *MULTI,
        ),
        _select,
    ),
}
