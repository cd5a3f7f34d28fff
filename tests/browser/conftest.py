"""A real headless Chromium driving the sandbox page; each step's screenshot is kept."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.app.sandbox.cli import running_sandbox
from bot.app.sandbox.server import SandboxServer

pytest.importorskip("playwright", reason="Browser tests skipped: playwright is not installed")

from playwright.async_api import Browser, Dialog, Page, async_playwright

# Monday 23 November 2026, 09:00 in New York: the example catalogue's working day.
START = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
ARTIFACTS = Path(os.environ.get("LIAISON_ARTIFACTS", "artifacts")) / "sandbox"
SKIPPED = "Browser tests skipped: no Chromium (apt-get install chromium, or set LIAISON_CHROMIUM)"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's chromium (or LIAISON_CHROMIUM); None when there is none."""
    for candidate in (os.environ.get("LIAISON_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Chromium, headless; missing Chromium skips locally and fails in CI."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium")
        pytest.skip(SKIPPED)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxServer]:
    """A sandbox on a free loopback port and a fresh database."""
    async with running_sandbox(database_dir=tmp_path / "db", start=START, port=0) as server:
        yield server


@dataclass
class Camera:
    """Saves a numbered screenshot per step under artifacts/sandbox/<test>/."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    async def shoot(self, page: Page, step: str) -> Path:
        """Screenshot the whole page as it is now."""
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def camera(request: pytest.FixtureRequest) -> Camera:
    """Where this test's screenshots go (emptied first)."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Camera(folder)


@pytest.fixture
async def page(browser: Browser, sandbox: SandboxServer) -> AsyncIterator[Page]:
    """A browser tab on the sandbox; confirmation dialogs are accepted like a person would."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = await context.new_page()

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    tab.on("dialog", accept)
    await tab.goto(sandbox.url)
    yield tab
    await context.close()
