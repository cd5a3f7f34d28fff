"""Messages are encoded for Slack exactly as slack_sdk's validated to_dict() would encode them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.views.encoding import encode, encode_blocks
from tests.unit import test_views_closing, test_views_outages, test_views_work

MESSAGES: dict[str, Callable[[], tuple[list[Block], str]]] = {
    **{f"work-{k}": v for k, v in test_views_work.MESSAGES.items()},
    **{f"closing-{k}": v for k, v in test_views_closing.MESSAGES.items()},
    **{f"outages-{k}": v for k, v in test_views_outages.MESSAGES.items()},
}
MODALS: dict[str, Callable[[], View]] = {
    **{f"closing-{k}": v for k, v in test_views_closing.MODALS.items()},
    **{f"outages-{k}": v for k, v in test_views_outages.MODALS.items()},
}


@pytest.mark.parametrize("name", MESSAGES)
def test_every_message_encodes_as_slack_sdk_would(name: str) -> None:
    blocks, _ = MESSAGES[name]()
    assert encode_blocks(blocks) == [b.to_dict() for b in blocks]


@pytest.mark.parametrize("name", MODALS)
def test_every_modal_encodes_as_slack_sdk_would(name: str) -> None:
    view = MODALS[name]()
    assert encode(view) == view.to_dict()
