"""A browser without JavaScript: read the sandbox page's forms and submit one by its button.

The sandbox works without its script (every control is a plain HTML form), so driving the
forms over HTTP exercises what a person's clicks post, without needing Chromium.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

import aiohttp


@dataclass
class Button:
    """A submit button: what it says and the name=value it adds to the form."""

    label: str = ""
    name: str = ""
    value: str = ""


@dataclass
class Form:
    """One form as a browser would send it, before any button is chosen."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


class _Reader(HTMLParser):
    """Collects forms: hidden and filled inputs, checked choices, selected options, buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: Button | None = None
        self._select: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "button" and a.get("type", "submit") == "submit":
            self._button = Button(name=a.get("name", ""), value=a.get("value", ""))
            self._form.buttons.append(self._button)
        elif tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and "name" in a:
            self._textarea = (a["name"], [])

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.label += data
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._button = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            self._form.fields.append((name, "".join(parts).strip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(page: str) -> list[Form]:
    """Every form on the page, in order."""
    reader = _Reader()
    reader.feed(page)
    return reader.forms


async def press(
    http: aiohttp.ClientSession,
    base_url: str,
    page: str,
    label: str,
    fill: Mapping[str, str] | None = None,
) -> str:
    """Press the first button on the page labelled `label`, as a browser without script would.

    `fill` types into fields by name first; the answer page (after the redirect) is returned.
    """
    for form in forms_of(page):
        button = next((b for b in form.buttons if b.label.strip() == label), None)
        if button is None:
            continue
        fill = dict(fill or {})
        data = [(k, fill.pop(k, v)) for k, v in form.fields] + list(fill.items())
        if button.name:
            data.append((button.name, button.value))
        async with http.post(base_url.rstrip("/") + form.action, data=data) as answer:
            assert answer.status == 200, f"{label}: HTTP {answer.status}"
            return await answer.text()
    raise AssertionError(f"no button {label!r} on the page")
