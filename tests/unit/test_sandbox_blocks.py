"""Block Kit on the sandbox page: what people see, the forms their clicks post, and no injection."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from bot.app.sandbox.blocks import FormContext, home_html, message_html, modal_html
from bot.app.sandbox.markup import Names
from bot.catalogue import load_catalogue
from bot.domain.home import HomeAudience, HomeContent, Listing
from bot.domain.outage import OutageBanner, OutageKind
from bot.views.home import HomeActionId, home_view
from bot.views.ids import ActionId
from bot.views.partner_dm import partner_acknowledgement
from bot.views.request_modal import RequestPrefill, request_modal
from bot.views.triage_card import triage_card
from bot.views.triage_modals import assign_modal, update_modal
from simulator.payloads import rich_text
from tests.conftest import EXAMPLE_CATALOGUE
from tests.unit.test_views import NOW, summary

NAMES = Names(
    users={"U0PAT": "pat", "U0TECH": "tess"},
    channels={"C0TRI": "triage"},
    tz="America/New_York",
    now=NOW.timestamp(),
)
FORM = FormContext(actor="U0TECH", token="t0ken")
USERS = [("U0PAT", "Pat Partner (@pat)"), ("U0TECH", "Tess Tech (@tess)")]
EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
SERVICES = load_catalogue(EXAMPLE_CATALOGUE).services


@dataclass
class Control:
    """One form control as the parser met it."""

    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    options: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""


@dataclass
class Form:
    """A form on the page, and what a browser posts when one of its buttons is pressed."""

    attrs: dict[str, str | None]
    controls: list[Control] = field(default_factory=list)

    def hidden(self) -> dict[str, str | None]:
        return {
            c.name: c.attrs.get("value")
            for c in self.controls
            if c.tag == "input" and c.attrs.get("type") == "hidden"
        }

    def buttons(self) -> list[Control]:
        return [c for c in self.controls if c.tag == "button"]

    def button(self, text: str) -> Control:
        shown = [b for b in self.buttons() if "hidden" not in b.attrs]
        return next(b for b in shown if b.text.strip() == text)

    def named(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def post(
        self, press: Control | None = None, fill: Mapping[str, list[str]] | None = None
    ) -> dict[str, list[str]]:
        """What the browser sends: current values, then what the person changed in `fill`."""
        fields: dict[str, list[str]] = {}
        for control in self.controls:
            if control.name and "disabled" not in control.attrs:
                for value in _values(control, press):
                    fields.setdefault(control.name, []).append(value)
        for name, values in (fill or {}).items():
            assert self.named(name), f"the form has no field {name!r}"
            fields.pop(name, None)
            if values:
                fields[name] = list(values)
        return fields


def _values(control: Control, press: Control | None) -> list[str]:
    kind = control.attrs.get("type") or ""
    if control.tag == "button":
        return [control.attrs.get("value") or ""] if control is press else []
    if control.tag == "textarea":
        return [control.text.removeprefix("\n")]
    if control.tag == "select":
        chosen = [o.get("value") or "" for o in control.options if "selected" in o]
        if not chosen and "multiple" not in control.attrs and control.options:
            chosen = [control.options[0].get("value") or ""]
        return chosen
    if kind in ("checkbox", "radio"):
        return [control.attrs.get("value") or "on"] if "checked" in control.attrs else []
    return [control.attrs.get("value") or ""]


class Page(HTMLParser):
    """Enough of a browser: visible text, every tag, and the forms with their controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._open: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "form":
            self._form = Form(found)
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None:
            control = Control(tag, found)
            self._form.controls.append(control)
            self._open = control if tag != "input" else self._open
        elif tag == "option" and self._open is not None:
            self._open.options.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif self._open is not None and tag == self._open.tag:
            self._open = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._open is not None:
            self._open.text += data

    def form(self, **hidden: str) -> Form:
        """The one form whose hidden fields include `hidden`."""
        found = [f for f in self.forms if hidden.items() <= f.hidden().items()]
        assert len(found) == 1, f"{len(found)} forms carry {hidden}"
        return found[0]

    def having(self, tag: str, **attrs: str | None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and attrs.items() <= a.items()]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def message(blocks: list[dict[str, Any]], text: str = "", attachments: Any = ()) -> Page:
    return parse(
        message_html(
            text,
            blocks,
            list(attachments),
            names=NAMES,
            form=FORM,
            channel="C0TRI",
            ts="1700000000.000100",
            users=USERS,
        )
    )


def modal(view: dict[str, Any], state: Any = None, errors: Mapping[str, str] | None = None) -> Page:
    html = modal_html(
        "V0MODAL", view, state or {}, names=NAMES, form=FORM, errors=errors or {}, users=USERS
    )
    return parse(html)


def card_blocks(**overrides: Any) -> list[dict[str, Any]]:
    blocks, _ = triage_card(summary(**overrides))
    return [b.to_dict() for b in blocks]


# -- messages --------------------------------------------------------------------------------


def test_triage_card_buttons_post_their_action_with_the_request_number() -> None:
    page = message(card_blocks(summary="Printer on fire"))
    claim = page.form(action_id=ActionId.CLAIM)
    assert claim.attrs == {"method": "post", "action": "/act/message", "class": "element"}
    assert claim.hidden() == {
        "token": "t0ken",
        "as": "U0TECH",
        "channel": "C0TRI",
        "ts": "1700000000.000100",
        "block_id": "card_actions",
        "action_id": ActionId.CLAIM,
        "value": "42",
    }
    [button] = claim.buttons()
    assert (button.text, button.attrs) == ("Claim", {"type": "submit", "class": "btn btn-primary"})
    labels = [f.buttons()[0].text for f in page.forms]
    assert labels == ["Claim", "Assign…", "Update…", "Resolve…", "Priority…", "Message partner…"]
    assert "REQ-42 · Printer on fire" in page.text
    assert "@pat" in page.text


def test_card_fields_sit_in_a_two_column_grid_with_mentions_resolved() -> None:
    html = message_html(
        "",
        card_blocks(),
        [],
        names=NAMES,
        form=FORM,
        channel="C0TRI",
        ts="1.2",
        users=USERS,
    )
    grid = re.search(r'<div class="bk-fields">(.*?)</div></div>', html)
    assert grid is not None
    assert grid.group(1).count('<div class="bk-field">') == 10
    assert '<b>Partner</b><br><span class="mention">@pat</span>' in grid.group(1)


def test_a_button_behind_a_confirmation_says_what_it_will_ask() -> None:
    blocks, _ = partner_acknowledgement(summary())
    page = message([b.to_dict() for b in blocks])
    withdraw = page.form(action_id=ActionId.WITHDRAW).buttons()[0]
    assert withdraw.text == "Withdraw request"
    assert withdraw.attrs["class"] == "btn btn-danger"
    assert (
        withdraw.attrs["data-confirm"] == "Withdraw REQ-42? — The technicians will stop work on it."
    )
    ask = page.form(action_id=ActionId.ASK_UPDATE).buttons()[0]
    assert "data-confirm" not in ask.attrs


def test_text_only_messages_and_attachments() -> None:
    page = message([], text="*Hi* <@U0PAT>", attachments=[{"text": "more _here_"}])
    assert page.text == "Hi @pat" + "more here"
    assert page.having("div", **{"class": "attachment"})
    assert page.having("b") and page.having("i")


def test_a_typed_message_shows_its_text_with_mentions_resolved() -> None:
    text = "<@U0PAT> can you look at &lt;this&gt;?"
    page = message(rich_text(text), text=text)
    assert page.text == "@pat can you look at <this>?"


def test_rich_text_blocks_keep_their_structure() -> None:
    block = {
        "type": "rich_text",
        "block_id": "rt",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hello ", "style": {"bold": True}},
                    {"type": "user", "user_id": "U0PAT"},
                    {"type": "link", "url": "javascript:alert(1)", "text": "bad"},
                    {"type": "link", "url": "https://example.org", "text": "good"},
                    {"type": "emoji", "name": "wave", "unicode": "1f44b"},
                ],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted"}]},
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "a\nb"}]},
            {
                "type": "rich_text_list",
                "style": "ordered",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]},
                ],
            },
        ],
    }
    html = message_html("", [block], [], names=NAMES, form=FORM, channel="C", ts="1.2", users=USERS)
    assert "<b>Hello </b>" in html
    assert '<span class="mention">@pat</span>' in html
    assert "bad<a " in html
    assert 'href="https://example.org"' in html
    assert "👋" in html
    assert "<blockquote>quoted</blockquote><pre>a\nb</pre><ol><li>one</li><li>two</li></ol>" in html


def test_every_block_is_wrapped_and_unknown_blocks_show_nothing() -> None:
    blocks = [
        {"type": "header", "block_id": "h", "text": {"type": "plain_text", "text": "Head"}},
        {"type": "divider", "block_id": "d"},
        {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "x"}},
        {"type": "context", "block_id": "c", "elements": [{"type": "mrkdwn", "text": "y"}]},
        {"type": "image", "block_id": "i", "image_url": "https://x.org/a.png", "alt_text": "cat"},
        {"type": "video", "block_id": "v", "title": {"type": "plain_text", "text": "ZZZ"}},
    ]
    page = message(blocks)
    wrapped = [(t, a["class"], a["data-block-id"]) for t, a in page.tags if "data-block-id" in a]
    assert wrapped == [
        ("h3", "bk bk-header", "h"),
        ("hr", "bk bk-divider", "d"),
        ("div", "bk bk-section", "s"),
        ("div", "bk bk-context", "c"),
        ("div", "bk bk-image", "i"),
    ]
    assert "[image: cat]" in page.text
    assert "ZZZ" not in page.text
    assert not page.having("img")


def test_selects_and_pickers_in_a_message_send_at_once() -> None:
    elements = [
        {
            "type": "static_select",
            "action_id": "pick",
            "placeholder": {"type": "plain_text", "text": "Choose"},
            "options": [_option("a", "Alpha"), _option("b", "Beta")],
            "initial_option": _option("b", "Beta"),
        },
        {"type": "users_select", "action_id": "who"},
        {"type": "datepicker", "action_id": "when", "initial_date": "2026-12-01"},
        {"type": "overflow", "action_id": "more", "options": [_option("x", "Delete")]},
    ]
    page = message([{"type": "actions", "block_id": "acts", "elements": elements}])
    pick = page.form(action_id="pick")
    assert pick.hidden()["value"] == ""
    [select] = pick.named("selected")
    assert "data-autosubmit" in select.attrs
    assert [(o.get("value"), "selected" in o) for o in select.options] == [
        ("", False),
        ("a", False),
        ("b", True),
    ]
    assert pick.post() == {**{k: [v or ""] for k, v in pick.hidden().items()}, "selected": ["b"]}
    assert page.having("noscript")
    who = page.form(action_id="who").named("selected")[0]
    assert [o.get("value") for o in who.options] == ["", "U0PAT", "U0TECH"]
    when = page.form(action_id="when").named("selected")[0]
    assert when.attrs["type"] == "date" and when.attrs["value"] == "2026-12-01"
    more = page.form(action_id="more").named("selected")[0]
    assert [o.get("value") for o in more.options] == ["", "x"]


def test_link_buttons_open_the_link_and_post_nothing() -> None:
    elements = [
        _button("Docs", "docs", url="https://example.org/docs"),
        _button("Evil", "evil", url="javascript:alert(1)"),
    ]
    page = message([{"type": "actions", "block_id": "a", "elements": elements}])
    assert page.forms == []
    [anchor] = page.having("a")
    assert anchor == {
        "href": "https://example.org/docs",
        "class": "btn btn-default",
        "rel": "noopener noreferrer",
        "target": "_blank",
    }
    assert "Evil" in page.text


# -- home ------------------------------------------------------------------------------------


def test_home_buttons_post_to_the_home_action_without_a_message() -> None:
    content = HomeContent(
        user_id="U0PAT",
        audience=HomeAudience.PARTNER,
        now=NOW,
        open_requests=Listing(shown=(summary(),), total=1),
        recently_closed=(),
        unclaimed=Listing(shown=(), total=0),
        mine=Listing(shown=(), total=0),
        near_breach=Listing(shown=(), total=0),
        figures=None,
    )
    view = home_view(content, command="/request").to_dict()
    page = parse(home_html(view, names=NAMES, form=FORM, users=USERS))
    form = page.form(action_id=HomeActionId.FILE_REQUEST)
    assert form.attrs["action"] == "/act/home"
    assert form.hidden() == {
        "token": "t0ken",
        "as": "U0TECH",
        "block_id": "home_actions",
        "action_id": HomeActionId.FILE_REQUEST,
        "value": "",
    }
    assert form.buttons()[0].text == "File a request"
    assert "Your open requests" in page.text


# -- modals ----------------------------------------------------------------------------------


def _banner() -> OutageBanner:
    return OutageBanner(
        number=7,
        service_name="Network",
        kind=OutageKind.OUTAGE,
        summary="Building 4 is offline",
        workaround="",
        next_update_due=None,
        ends_at=None,
    )


def test_request_modal_is_one_form_with_named_inputs() -> None:
    view = request_modal(SERVICES, RequestPrefill(summary="Fix <this>"), [_banner()]).to_dict()
    page = modal(view, errors={"summary": "Please say more."})
    [form] = page.forms
    assert form.attrs == {
        "method": "post",
        "action": "/act/view",
        "class": "modal",
        "data-view-id": "V0MODAL",
    }
    assert form.hidden() == {"token": "t0ken", "as": "U0TECH", "view_id": "V0MODAL"}
    assert page.having("h2") and "New request" in page.text
    named = [c.name for c in form.controls if c.name.startswith("in:")]
    assert named == [
        "in:service:service_select",
        "in:summary:summary_input",
        "in:details:details_input",
        *["in:impact:impact_radio"] * 4,
        "in:needed_by:needed_by_date",
    ]
    summary_input = form.named("in:summary:summary_input")[0]
    assert summary_input.attrs["value"] == "Fix <this>"
    assert summary_input.attrs["maxlength"] == "150"
    assert form.named("in:details:details_input")[0].tag == "textarea"
    assert "Details (optional)" in page.text
    assert "One line, at most 150 characters." in page.text
    assert page.having("div", **{"class": "error", "role": "alert"})
    assert "Please say more." in page.text
    assert not [a for _, a in page.tags if "required" in a]


def test_modal_footer_and_buttons_say_what_was_pressed() -> None:
    view = request_modal(SERVICES, RequestPrefill(), [_banner()]).to_dict()
    form = modal(view).forms[0]
    follow = form.button("Follow instead")
    assert json.loads(follow.attrs["value"] or "") == {"action_id": "outage_follow", "value": "7"}
    assert "formnovalidate" in follow.attrs
    cancel, submit = form.button("Cancel"), form.button("Submit")
    assert (cancel.attrs["value"], submit.attrs["value"]) == ("__close__", "__submit__")
    assert "formnovalidate" in cancel.attrs
    assert submit.attrs["class"] == "btn btn-primary"
    assert form.post(submit)["press"] == ["__submit__"]
    # Enter in a text box presses the hidden default button: Submit, as in Slack.
    assert form.buttons()[0].attrs["value"] == "__submit__"


def test_a_modal_without_submit_has_only_its_close_button() -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Info"}, "blocks": []}
    form = modal(view).forms[0]
    assert [b.text for b in form.buttons() if "hidden" not in b.attrs] == ["Cancel"]
    assert "disabled" in form.buttons()[0].attrs


def test_modal_inputs_show_state_over_initial_values() -> None:
    request = summary(assignee_id="U0PAT", next_update_due=None)
    assign = modal(assign_modal(request).to_dict()).forms[0]
    [who] = assign.named("in:assignee:assignee_select")
    assert [o.get("value") for o in who.options if "selected" in o] == ["U0PAT"]
    update = update_modal(request).to_dict()
    state = {
        "status": {
            "status_select": {
                "type": "static_select",
                "selected_option": {"text": {}, "value": "waiting_partner"},
            }
        },
        "next_update": {
            "next_update_datetime": {
                "type": "datetimepicker",
                "selected_date_time": int(NOW.timestamp()),
            }
        },
    }
    form = modal(update, state).forms[0]
    status = form.named("in:status:status_select")[0]
    assert [o.get("value") for o in status.options if "selected" in o] == ["waiting_partner"]
    when = form.named("in:next_update:next_update_datetime")[0]
    assert when.attrs == {
        "type": "datetime-local",
        "name": "in:next_update:next_update_datetime",
        "value": "2026-11-23T09:00",
        "id": when.attrs["id"],
    }


def test_every_widget_kind_and_its_initial_value() -> None:
    blocks = [
        _input("radio", {"type": "radio_buttons", "options": [_option("r", "R", "about r")]}),
        _input("boxes", {"type": "checkboxes", "options": [_option("c", "C")]}),
        _input("multi", {"type": "multi_users_select", "initial_users": ["U0PAT"]}),
        _input("day", {"type": "datepicker", "initial_date": "2026-12-24"}),
        _input("time", {"type": "timepicker", "initial_time": "09:30"}),
        _input("num", {"type": "number_input", "is_decimal_allowed": True, "initial_value": "2"}),
        _input("mail", {"type": "email_text_input"}),
        _input("url", {"type": "url_text_input"}),
        _input(
            "grouped",
            {
                "type": "static_select",
                "option_groups": [
                    {"label": {"type": "plain_text", "text": "G"}, "options": [_option("g", "G1")]}
                ],
            },
        ),
    ]
    html = modal_html(
        "V", {"type": "modal", "blocks": blocks}, {}, names=NAMES, form=FORM, errors={}, users=USERS
    )
    assert '<span class="description">about r</span>' in html
    form = parse(html).forms[0]
    assert form.named("in:radio:a")[0].attrs["type"] == "radio"
    assert form.named("in:boxes:a")[0].attrs["type"] == "checkbox"
    assert form.named("present:boxes:a") and form.named("present:multi:a")
    multi = form.named("in:multi:a")[0]
    assert "multiple" in multi.attrs
    assert [o.get("value") for o in multi.options if "selected" in o] == ["U0PAT"]
    assert form.named("in:day:a")[0].attrs["value"] == "2026-12-24"
    assert form.named("in:time:a")[0].attrs["type"] == "time"
    assert form.named("in:num:a")[0].attrs["step"] == "any"
    assert form.named("in:mail:a")[0].attrs["type"] == "email"
    assert form.named("in:url:a")[0].attrs["type"] == "url"
    assert [o.get("value") for o in form.named("in:grouped:a")[0].options] == ["", "g"]


def test_dispatched_selects_send_at_once_through_a_hidden_press() -> None:
    select = {"type": "static_select", "options": [_option("x", "X")]}
    view = {
        "type": "modal",
        "blocks": [
            {**_input("svc", select), "dispatch_action": True},
            _input("plain", select),
            {"type": "actions", "block_id": "acts", "elements": [{**select, "action_id": "go"}]},
        ],
    }
    page = modal(view)
    form = page.forms[0]
    assert "data-autosubmit" in form.named("in:svc:a")[0].attrs
    assert "data-autosubmit" not in form.named("in:plain:a")[0].attrs
    assert "data-autosubmit" in form.named("in:acts:go")[0].attrs
    dispatch = [b for b in form.buttons() if "data-dispatch" in b.attrs]
    assert [json.loads(b.attrs["value"] or "") for b in dispatch] == [
        {"action_id": "a"},
        {"action_id": "go"},
    ]
    assert all("hidden" in b.attrs for b in dispatch)


def test_errors_for_blocks_without_an_input_still_show() -> None:
    page = modal({"type": "modal", "blocks": []}, errors={"ghost": "Something is wrong"})
    assert "Something is wrong" in page.text


# -- safety ----------------------------------------------------------------------------------


def _evil_text(kind: str = "mrkdwn") -> dict[str, str]:
    return {"type": kind, "text": EVIL + " <javascript:alert(1)|click>"}


def _evil_blocks() -> list[dict[str, Any]]:
    evil_option = {"text": _evil_text("plain_text"), "value": EVIL}
    button = {
        "type": "button",
        "action_id": EVIL,
        "text": _evil_text("plain_text"),
        "value": EVIL,
        "confirm": {"title": _evil_text("plain_text"), "text": _evil_text()},
    }
    select = {
        "type": "static_select",
        "action_id": "sel",
        "placeholder": _evil_text("plain_text"),
        "options": [evil_option],
    }
    return [
        {"type": "header", "block_id": EVIL, "text": _evil_text("plain_text")},
        {"type": "section", "text": _evil_text(), "fields": [_evil_text(), _evil_text()]},
        {"type": "context", "elements": [_evil_text(), {"type": "image", "alt_text": EVIL}]},
        {"type": "section", "text": _evil_text(), "accessory": button},
        {"type": "actions", "block_id": "acts", "elements": [button, select]},
        {"type": "image", "image_url": "javascript:alert(1)", "alt_text": EVIL},
        {
            "type": "input",
            "block_id": EVIL,
            "label": _evil_text("plain_text"),
            "hint": _evil_text("plain_text"),
            "element": {
                "type": "plain_text_input",
                "action_id": EVIL,
                "placeholder": _evil_text("plain_text"),
                "initial_value": EVIL,
            },
        },
        {
            "type": "input",
            "block_id": "area",
            "label": _evil_text("plain_text"),
            "element": {
                "type": "plain_text_input",
                "multiline": True,
                "action_id": "x",
                "initial_value": EVIL,
            },
        },
        {
            "type": "input",
            "block_id": "radio",
            "label": _evil_text("plain_text"),
            "element": {
                "type": "radio_buttons",
                "action_id": "r",
                "options": [{**evil_option, "description": _evil_text("plain_text")}],
            },
        },
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": EVIL},
                        {"type": "link", "url": "javascript:x", "text": EVIL},
                    ],
                }
            ],
        },
    ]


def _assert_inert(html: str) -> None:
    page = parse(html)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert not page.having("script") and not page.having("img")
    hrefs = [a.get("href") or "" for _, a in page.tags if "href" in a]
    assert all(h.startswith(("https:", "http:", "mailto:")) for h in hrefs)
    handlers = [k for _, a in page.tags for k in a if k.startswith("on")]
    assert handlers == []


def test_hostile_text_never_becomes_markup_anywhere() -> None:
    blocks = _evil_blocks()
    view = {
        "type": "modal",
        "title": _evil_text("plain_text"),
        "close": _evil_text("plain_text"),
        "submit": _evil_text("plain_text"),
        "blocks": blocks,
    }
    rendered = [
        message_html(
            EVIL,
            blocks,
            [{"text": EVIL, "blocks": blocks}],
            names=NAMES,
            form=FORM,
            channel=EVIL,
            ts=EVIL,
            users=[(EVIL, EVIL)],
        ),
        message_html(EVIL, [], [], names=NAMES, form=FORM, channel="C", ts="1", users=USERS),
        home_html({"blocks": blocks}, names=NAMES, form=FormContext(EVIL, EVIL), users=USERS),
        modal_html(EVIL, view, {}, names=NAMES, form=FORM, errors={EVIL: EVIL}, users=USERS),
    ]
    for html in rendered:
        _assert_inert(html)
    # Raw `<script>` in mrkdwn is a Slack sequence (a link that is not safe): never markup.
    assert parse(rendered[1]).text == 'scriptalert(1)/script">img src=x onerror=alert(1)'
    encoded = EVIL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    shown = message_html(encoded, [], [], names=NAMES, form=FORM, channel="C", ts="1")
    _assert_inert(shown)
    assert parse(shown).text == EVIL
    assert EVIL in parse(rendered[3]).text  # plain_text title, labels and hints
    modal_page = parse(rendered[3])
    values = [c.attrs.get("value") for c in modal_page.forms[0].controls]
    assert EVIL in values  # the hostile text survives as a value, exactly as typed
    texts = [c.text for c in modal_page.forms[0].controls if c.tag == "textarea"]
    assert texts == ["\n" + EVIL]
    press = modal_page.forms[0].button(_evil_text()["text"]).attrs["value"] or ""
    assert json.loads(press) == {"action_id": EVIL, "value": EVIL}


# -- fixtures --------------------------------------------------------------------------------


def _option(value: str, text: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": {"type": "plain_text", "text": text}, "value": value}
    if description:
        option["description"] = {"type": "plain_text", "text": description}
    return option


def _button(text: str, action_id: str, **more: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **more,
    }


def _input(block_id: str, element: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id.title()},
        "element": {"action_id": "a", **element},
        **more,
    }
