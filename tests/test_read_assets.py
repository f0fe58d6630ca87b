"""Pictures a web page refers to are found only inline or inside the page's own folder."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from gongkai.read import assets
from gongkai.read.assets import data_uri, folder_assets, inline_assets
from gongkai.read.html import html_lines

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_data_uri_base64_and_percent() -> None:
    assert data_uri("data:image/png;base64," + base64.b64encode(PNG).decode()) == PNG
    assert data_uri("data:image/svg+xml,%3Csvg%3E") == b"<svg>"
    assert data_uri("data:image/png;base64,!!!") is None  # not base64
    assert data_uri("data:text/html,<b>") is None  # not a picture
    assert data_uri("image001.png") is None


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    page = tmp_path / "site" / "page"
    (page / "报告_files").mkdir(parents=True)
    (page / "报告_files" / "image001.png").write_bytes(PNG)
    (tmp_path / "site" / "secret.png").write_bytes(b"secret")
    return page


def test_saved_pictures_are_found_by_relative_reference(saved: Path) -> None:
    get = folder_assets(saved)
    assert get("报告_files/image001.png") == PNG
    assert get("%E6%8A%A5%E5%91%8A_files/image001.png") == PNG  # percent-encoded as browsers save
    assert get("报告_files\\image001.png") == PNG  # saved on Windows
    assert get("./报告_files/image001.png?v=2#top") == PNG
    assert get("报告_files/none.png") is None


@pytest.mark.parametrize(
    "ref",
    [
        "../secret.png",
        "报告_files/../../secret.png",
        "/etc/passwd",
        "file:///etc/passwd",
        "http://example.org/a.png",
        "//example.org/a.png",
        "报告_files",  # a folder
        "a\x00b.png",
    ],
)
def test_nothing_outside_the_folder_and_nothing_fetched(saved: Path, ref: str) -> None:
    assert folder_assets(saved)(ref) is None


def test_a_link_out_of_the_folder_is_not_followed(saved: Path) -> None:
    os.symlink(saved.parent / "secret.png", saved / "报告_files" / "link.png")
    assert folder_assets(saved)("报告_files/link.png") is None


def test_an_oversized_picture_is_not_read(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "MAX_PICTURE_BYTES", 8)
    assert folder_assets(saved)("报告_files/image001.png") is None


def test_bytes_alone_find_only_inline_pictures() -> None:
    assert inline_assets("报告_files/image001.png") is None
    assert inline_assets("data:image/png;base64," + base64.b64encode(PNG).decode()) == PNG


def test_pictures_are_placed_among_the_lines() -> None:
    html = (
        "<body><h1>某县某局2023年政府信息公开工作年度报告</h1><p>二、主动公开政府信息情况</p>"
        "<p>如下：<img src='a.png'>（图）</p><img data-src='b.png'><p>三、收到和处理政府信息公开申请情况</p>"
        "<img src=' '></body>"
    ).encode()
    lines = html_lines(html)
    assert lines.lines[:3] == [
        "某县某局2023年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "如下：（图）",
    ]
    # a picture inside a paragraph comes after the paragraph's line; an empty src is no picture
    assert lines.pictures == [(3, "a.png"), (3, "b.png")]
