"""Static assets: read them, and name each by a hash of its content so it can be cached for ever."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Asset:
    """One static file, with the content-hashed path it is published at."""

    name: str
    output_path: str
    data: bytes


def load_assets(assets_dir: Path) -> tuple[Asset, ...]:
    """Read every file under assets_dir, but hidden ones and those in hidden folders, and give it a content-hashed output path."""
    assets = []
    for path in sorted(assets_dir.rglob("*")):
        name = path.relative_to(assets_dir).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
            data = path.read_bytes()
            assets.append(Asset(name, hashed_path(name, data), data))
    return tuple(assets)


ASSETS_FOLDER = "assets"  # in site/


def hashed_path(name: str, data: bytes) -> str:
    """Return assets/<stem>.<hash>.<suffix> for a file's name and content."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    pure = PurePosixPath(name)
    return f"{ASSETS_FOLDER}/{pure.with_name(f'{pure.stem}.{digest}{pure.suffix}')}"
