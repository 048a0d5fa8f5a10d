"""The README documents every setting exactly as settings.py declares it."""

from __future__ import annotations

from settings import markdown_table, setting_names
from tests.conftest import ROOT


def test_readme_settings_table_matches_the_declarations() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0].strip()
    assert section == markdown_table()
    assert all(f"`{name}`" in section for name in setting_names())


def test_readme_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start")[1].split("```bash")[1].split("```")[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == ["make run", "make test"]
