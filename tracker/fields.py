"""Read typed fields out of a YAML mapping, collecting errors an editor can act on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from tracker.errors import ContentError
from tracker.yaml_strict import Value, YamlList, YamlMap

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
MAX_NUMBER_DIGITS = 9
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

T = TypeVar("T")


class FieldReader:
    """Read the fields of one mapping in one file; every problem becomes a ContentError."""

    def __init__(self, path: str, data: YamlMap, errors: list[ContentError], prefix: str = "") -> None:
        self.path = path
        self.data = data
        self.errors = errors
        self.prefix = prefix

    # -- bookkeeping -------------------------------------------------------

    def line(self, name: str) -> int:
        """Return the line of a field, or of the mapping if the field is absent."""
        return self.data.key_lines.get(name, self.data.line)

    def field_name(self, name: str) -> str:
        """Return the field's full name, as `target.date` (quoted if it holds line breaks or other invisible characters)."""
        return f"{self.prefix}{name if name.isprintable() else repr(name)}"

    def error(self, name: str, problem: str, fix: str, line: int | None = None) -> None:
        """Record a problem with a field."""
        where = self.line(name) if line is None else line
        self.errors.append(ContentError(self.path, where, self.field_name(name), problem, fix))

    def check_known(self, names: Iterable[str]) -> None:
        """Record an error for every field that is not one of names."""
        known = list(names)
        for name in self.data:
            if name not in known:
                self.error(name, f"unknown field {name!r}", _did_you_mean(name, known))

    def _raw(self, name: str, required: bool) -> Value:
        value = self.data.get(name)
        if value is None and required:
            self.error(
                name,
                "required field is missing" if name not in self.data else "required field is empty",
                f"add `{name}: …` (see docs/content.md)",
            )
        return value

    # -- scalars -----------------------------------------------------------

    def optional_text(self, name: str) -> str | None:
        """Return a text field, or None if absent."""
        value = self._raw(name, required=False)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(name, "expected text, found a list or a group of fields", f"write `{name}: some text` on one line")
            return None
        stripped = value.strip()
        if not stripped:
            self.error(name, "the text is empty", f"write the text after `{name}:`, or remove the line")
            return None
        return stripped

    def text(self, name: str) -> str:
        """Return a required text field ("" after recording an error)."""
        if self._raw(name, required=True) is None:
            return ""
        return self.optional_text(name) or ""

    def identifier(self, name: str = "id") -> str:
        """Return a required id: lower-case letters, digits and single hyphens."""
        value = self.text(name)
        if value and not ID_PATTERN.match(value):
            self.error(name, f"{value!r} is not a valid id", "use lower-case letters, digits and single hyphens, like `sp13-c01`")
            return ""
        return value

    def optional_date(self, name: str) -> date | None:
        """Return a date field written YYYY-MM-DD, or None if absent."""
        value = self.optional_text(name)
        return None if value is None else self._parse_date(name, value)

    def required_date(self, name: str) -> date | None:
        """Return a required date field written YYYY-MM-DD."""
        value = self.text(name)
        return self._parse_date(name, value) if value else None

    def _parse_date(self, name: str, value: str) -> date | None:
        match = DATE_PATTERN.match(value)
        if not match:
            self.error(name, f"{value!r} is not a date in the form YYYY-MM-DD", "write the date like 2013-12-04")
            return None
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            self.error(name, f"{value!r} is not a real date", "check the day and month (for example, February has 28 or 29 days)")
            return None

    def integer(self, name: str, minimum: int = 1) -> int:
        """Return a required whole number of at least minimum (0 after an error)."""
        value = self.text(name)
        if not value:
            return 0
        if not _is_number(value) or int(value) < minimum:
            self.error(name, f"{value!r} is not a whole number of at least {minimum}", f"write a number, like `{name}: {minimum}`")
            return 0
        return int(value)

    def boolean(self, name: str) -> bool:
        """Return a true/false field, false if absent."""
        value = self.optional_text(name)
        if value is None:
            return False
        if value not in ("true", "false"):
            self.error(name, f"{value!r} is not true or false", f"write `{name}: true` or `{name}: false`")
        return value == "true"

    def choice(self, name: str, options: Iterable[str]) -> str:
        """Return a required field whose value must be one of options."""
        allowed = list(options)
        value = self.text(name)
        if value and value not in allowed:
            self.error(name, f"{value!r} is not allowed here", f"use one of: {', '.join(allowed)}{did_you_mean(value, allowed)}")
            return ""
        return value

    def url(self, name: str, required: bool = True) -> str | None:
        """Return a web address starting with http:// or https://."""
        value = self.text(name) if required else self.optional_text(name)
        if value and not URL_PATTERN.match(value):
            self.error(name, f"{value!r} is not a web address", "write the full address, starting with https://")
            return None
        return value or None

    # -- collections -------------------------------------------------------

    def id_list(self, name: str, required: bool = True) -> tuple[str, ...]:
        """Return a list of ids; a single id is accepted as a list of one."""
        value = self._raw(name, required)
        if value is None:
            return ()
        items: list[Value] = [value] if isinstance(value, str) else list(value) if isinstance(value, YamlList) else []
        if isinstance(value, YamlMap) or any(not isinstance(item, str) for item in items):
            self.error(name, "expected a list of ids", f"write `{name}: [first-id, second-id]`")
            return ()
        ids = tuple(str(item).strip() for item in items)
        for item in ids:
            if not ID_PATTERN.match(item):
                self.error(name, f"{item!r} is not a valid id", "use lower-case letters, digits and single hyphens")
        if required and not ids:
            self.error(name, "the list is empty", f"name at least one id under `{name}`")
        return ids

    def number_list(self, name: str) -> tuple[int, ...]:
        """Return a list of whole numbers (empty if absent)."""
        value = self._raw(name, required=False)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, YamlList) else None
        if items is None or any(not (isinstance(item, str) and _is_number(item.strip())) for item in items):
            self.error(name, "expected a list of paragraph numbers", f"write `{name}: [3, 4]`")
            return ()
        return tuple(int(str(item).strip()) for item in items)

    def optional_mapping(self, name: str) -> FieldReader | None:
        """Return a reader for a group of fields under name, or None if absent."""
        value = self._raw(name, required=False)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self.error(name, "expected a group of `name: value` lines indented under it", f"see docs/content.md for the fields of `{name}`")
            return None
        return FieldReader(self.path, value, self.errors, f"{self.field_name(name)}.")

    def mappings(self, name: str, required: bool) -> list[FieldReader]:
        """Return a reader for each group of fields in a list under name."""
        value = self._raw(name, required)
        if value is None:
            return []
        if not isinstance(value, YamlList) or any(not isinstance(item, YamlMap) for item in value):
            self.error(name, "expected a list of entries, each starting with `- `", f"see docs/content.md for the fields of `{name}`")
            return []
        if required and not value:
            self.error(name, "the list is empty", f"add at least one entry under `{name}`")
        return [
            FieldReader(self.path, item, self.errors, f"{self.field_name(name)}[{index + 1}].")
            for index, item in enumerate(value)
            if isinstance(item, YamlMap)
        ]


def _is_number(value: str) -> bool:
    """Return whether value is a whole number written with the digits 0-9 (not ², not ٣)."""
    return value.isascii() and value.isdigit() and len(value) <= MAX_NUMBER_DIGITS


def did_you_mean(value: str, options: Iterable[str]) -> str:
    """Return ' (did you mean …?)' for the closest option, or nothing."""
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"remove it, or use one of: {', '.join(known)}"
