"""Static assets: read them, and name each by a hash of its content so it can be cached for ever."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Asset:
    """One static file, with the content-hashed path it is published at."""

    name: str
    output_path: str
    data: bytes


def visible_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Yield (name under folder, path) for every file under folder, by name, but hidden ones and those in hidden folders."""
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if not any(part.startswith(".") for part in name.split("/")) and path.is_file():
            yield name, path


def load_assets(assets_dir: Path) -> tuple[Asset, ...]:
    """Read every visible file under assets_dir and give it a content-hashed output path."""
    assets = []
    for name, path in visible_files(assets_dir):
        data = path.read_bytes()
        assets.append(Asset(name, hashed_path(name, data), data))
    return tuple(assets)


ASSETS_FOLDER = "assets"  # in site/


def hashed_path(name: str, data: bytes) -> str:
    """Return assets/<stem>.<hash>.<suffix> for a file's name and content."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    pure = PurePosixPath(name)
    return f"{ASSETS_FOLDER}/{pure.with_name(f'{pure.stem}.{digest}{pure.suffix}')}"
