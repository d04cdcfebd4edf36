"""Read YAML strictly: every scalar stays a string, duplicate keys and tags are errors.

PyYAML's C parser reads the text into events; we build plain data from them ourselves,
without recursion, so that `no` stays "no", `2024-02-30` stays text for the validator to
judge, every key keeps its line number for error messages, and no nesting, however deep,
can crash the build (libyaml's own composer recurses in C and can overflow the stack).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

import yaml

from tracker.errors import ContentError

Value = Union[str, None, "YamlList", "YamlMap"]

MAX_DEPTH = 50
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Field names and short values (statuses, kinds, publishers) repeat in every file: files parsed
# one after another share one copy of each (and the build cache keeps one per report's records).
_SHARED_UP_TO = 64
_CORE_TAGS = frozenset("tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value"))
_LINE_SEPARATORS = re.compile("[\u0085\u2028\u2029]")
_QUOTE_WORDS = {'"': 'double quote (")', "'": "single quote (')"}


class YamlMap(dict[str, Value]):
    """A YAML mapping that remembers the line of itself and of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class YamlList(list[Value]):
    """A YAML sequence that remembers the line of itself and of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class YamlProblem(Exception):
    """A YAML file that cannot be read; carries the line, the field if known, and a plain explanation."""

    def __init__(self, line: int, problem: str, fix: str, field: str = "yaml") -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.fix = fix
        self.field = field


def parse_yaml(text: str, first_line: int = 1) -> Value:
    """Parse YAML text into plain data, counting lines from first_line."""
    lines = _Lines(text, first_line)
    separator = _LINE_SEPARATORS.search(text)
    if separator:
        # YAML would start a new line here, where an editor shows none: refuse rather than misread.
        raise YamlProblem(
            first_line + text.count("\n", 0, separator.start()),
            f"this line has a character that is not allowed (U+{ord(separator.group()):04X}, an invisible line separator)",
            "delete it, or retype the line",
        )
    try:
        return _build(yaml.parse(text, Loader=yaml.CSafeLoader), lines)
    except yaml.MarkedYAMLError as error:
        raise _explain_syntax_error(error, lines) from None
    except yaml.reader.ReaderError as error:
        raise _explain_reader_error(error, text, first_line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(first_line, f"the YAML cannot be read ({' '.join(str(error).split())})", "check the file's syntax") from None
    except UnicodeEncodeError as error:
        line = first_line + text.count("\n", 0, error.start)
        raise YamlProblem(line, "this line has a character that cannot be saved as UTF-8", "delete the character and retype it") from None


class _Lines:
    """Line numbers as editors count them: a new line at each line feed only.

    YAML also starts a new line at U+0085, U+2028 and U+2029, so its own line numbers can run ahead.
    """

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        # With line feeds the only breaks (separators are refused), YAML's own line count is the editor's.
        self.yaml_counts_alike = "\r" not in text
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self.rows = text.split("\n")

    def position(self, mark: Any) -> tuple[int, int]:
        """Return the 0-based line and column of a YAML mark."""
        offset = int(mark.index) if mark is not None else 0
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def number(self, mark: Any) -> int:
        """Return the line number of a YAML mark, counted from first_line."""
        if self.yaml_counts_alike and mark is not None:
            return self.first_line + int(mark.line)
        return self.first_line + self.position(mark)[0]

    def row(self, row: int) -> str:
        """Return the text of a 0-based line."""
        return self.rows[row] if 0 <= row < len(self.rows) else ""


# -- building plain data from events -------------------------------------------


@dataclass
class _Open:
    """A mapping or list whose end has not been read yet."""

    container: YamlMap | YamlList
    key: str | None = None  # in a mapping: the key whose value comes next


def _build(events: Iterable[yaml.Event], lines: _Lines) -> Value:
    stack: list[_Open] = []
    root: Value = None
    documents = 0
    for event in events:
        line = lines.number(event.start_mark)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem(
                    line,
                    "a second set of fields starts here (after a line `---` or `...`)",
                    "remove that line: a file holds one set of fields",
                )
        elif isinstance(event, yaml.AliasEvent):
            raise _reference_problem(line, "*")
        elif isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                raise _reference_problem(line, "&")
            if isinstance(event, yaml.ScalarEvent):
                _check_tag(event.tag, line)
                value: Value = None if not event.style and event.tag is None and event.value in _NULLS else _shared(str(event.value))
                if _take_key(stack, event, line):
                    continue
                root = _attach(stack, value, line, root)
            elif isinstance(event, yaml.CollectionStartEvent):
                _check_tag(event.tag, line)
                if stack and isinstance(stack[-1].container, YamlMap) and stack[-1].key is None:
                    raise YamlProblem(line, "this key is not a plain name", "write each field as `name: value`")
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        line,
                        f"the fields are nested more than {MAX_DEPTH} levels deep",
                        "check the indentation and the brackets: no field needs this many levels",
                    )
                container: YamlMap | YamlList = YamlMap(line) if isinstance(event, yaml.MappingStartEvent) else YamlList(line)
                root = _attach(stack, container, line, root)
                stack.append(_Open(container))
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
    return root


def _shared(text: str) -> str:
    return _recently_seen(text) if len(text) <= _SHARED_UP_TO else text


@lru_cache(maxsize=4096)  # bounded, unlike sys.intern on Python 3.12.0 to 3.12.4, where interned strings live forever
def _recently_seen(text: str) -> str:
    """Return the first of the equal texts seen lately."""
    return text


def _check_tag(tag: str | None, line: int) -> None:
    if tag is not None and tag != "!" and tag not in _CORE_TAGS:
        raise YamlProblem(
            line,
            f"the YAML tag {tag!r} is not allowed",
            "remove the tag (the word starting with !), or put the whole value in double quotes",
        )


def _reference_problem(line: int, sign: str) -> YamlProblem:
    return YamlProblem(
        line,
        f"a value starting with `{sign}` is read as a YAML anchor or alias, which this site does not use",
        "put the whole value in double quotes, or write the value out in full",
    )


def _take_key(stack: list[_Open], event: yaml.ScalarEvent, line: int) -> bool:
    """If the scalar is a mapping's key, record it and return True."""
    if not stack:
        return False
    top = stack[-1]
    if not isinstance(top.container, YamlMap) or top.key is not None:
        return False
    key = _shared(str(event.value))
    if not key.strip():
        raise YamlProblem(line, "this line has no field name before `:`", "write it as `name: value`")
    if key == "<<" and not event.style:
        raise YamlProblem(line, "`<<` (a YAML merge) is not supported", "write each field out in full")
    if key in top.container.key_lines:
        first = top.container.key_lines[key]
        raise YamlProblem(
            line,
            f"the field {key!r} is given twice, on line {first} and on line {line}",
            "keep one of the two lines and delete the other",
            field=key or "yaml",
        )
    top.container.key_lines[key] = line
    top.key = key
    return True


def _attach(stack: list[_Open], value: Value, line: int, root: Value) -> Value:
    """Put value in the open mapping or list; return the document's root."""
    if not stack:
        return value
    top = stack[-1]
    if isinstance(top.container, YamlList):
        top.container.item_lines.append(line)
        top.container.append(value)
    else:
        assert top.key is not None
        top.container[top.key] = value
        top.key = None
    return root


# -- explaining what the parser could not read -----------------------------------


def _explain_reader_error(error: yaml.reader.ReaderError, text: str, first_line: int) -> YamlProblem:
    # libyaml reports the position in bytes of the UTF-8 text.
    position = int(error.position)
    line = first_line + text.encode("utf-8", "surrogatepass")[:position].count(b"\n")
    code = int(error.character) if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return YamlProblem(
            line,
            f"this line has an invisible control character (U+{code:04X}), which is not allowed",
            "delete it; if you cannot see it, delete and retype the line",
        )
    return YamlProblem(line, f"this line has a character that is not allowed (U+{code:04X})", "delete it, or retype the line")


def _explain_syntax_error(error: yaml.MarkedYAMLError, lines: _Lines) -> YamlProblem:
    first_line = lines.first_line
    index, column = lines.position(error.problem_mark or error.context_mark)
    context_index, context_column = lines.position(error.context_mark) if error.context_mark else (index, column)
    problem = error.problem or ""
    context = error.context or ""
    here = lines.row(index)
    if "\t" in here[: len(here) - len(here.lstrip())] or (0 <= column < len(here) and here[column] == "\t"):
        return YamlProblem(first_line + index, "a tab character is used for indentation", "indent with spaces, not tabs")
    explained = _explain(problem, context, here, column, lines.row(context_index), context_column, context_index != index)
    opened = _unclosed_quote_above(lines, index)
    if explained is not None and explained[1] == "there is more text after the closing quote" and opened is not None:
        return YamlProblem(
            first_line + opened,
            "the double quote that opens the value on this line is not closed on the same line",
            'add the closing " at the end of the value',
        )
    if explained is None:
        return YamlProblem(
            first_line + index,
            f"YAML cannot read this line ({problem or 'syntax error'})",
            "check the indentation and quotes on this line and the one above",
        )
    at_context, message, fix = explained
    return YamlProblem(first_line + (context_index if at_context else index), message, fix)


def _unclosed_quote_above(lines: _Lines, index: int) -> int | None:
    """Return the index of the nearest line above index whose double quotes do not pair up."""
    for above in range(index - 1, -1, -1):
        text = lines.row(above).replace('\\"', "")
        if text.count('"') % 2 == 1:
            return above
    return None


def _explain(
    problem: str, context: str, here: str, column: int, context_text: str, context_column: int, other_line: bool
) -> tuple[bool, str, str] | None:
    """Return (report at the context line?, problem, fix) for the parser errors editors meet."""
    if "quoted scalar" in context and "end of stream" in problem:
        quote = context_text[context_column : context_column + 1]
        word = _QUOTE_WORDS.get(quote, "quote")
        return (
            True,
            f"the {word} that opens the value on this line is never closed",
            f"add the closing {quote or 'quote'} at the end of the value",
        )
    if "escape" in problem:
        return (
            False,
            "a backslash (\\) inside double quotes must start a known escape, like \\n",
            "write \\\\ for a backslash, or put the value in single quotes instead",
        )
    if "flow sequence" in context or "flow mapping" in context:
        opening, closing, what = ("[", "]", "list") if "sequence" in context else ("{", "}", "group")
        if other_line:
            return (
                True,
                f"the {what} that starts with `{opening}` on this line is not closed with `{closing}`",
                f"end it with `{closing}` on the same line",
            )
        return (
            True,
            f"the {what} written in `{opening} {closing}` on this line cannot be read",
            f"write it like `{opening}first, second{closing}`, with a comma between items",
        )
    if "simple key" in context and "expected ':'" in problem:
        return True, "this line has no `:` after the field name", "write it as `name: value`"
    if "mapping values are not allowed" in problem:
        if ": " in here[:column] or here[:column].rstrip().endswith(":"):
            return False, "the value contains ': ' and YAML reads it as a new field", "put the whole value in double quotes"
        return (
            False,
            "YAML reads this line as part of the value on the line above",
            "line this field up with the fields above it, and check the line above is written `name: value`",
        )
    if "mapping keys are not allowed" in problem or "cannot start any token" in problem:
        character = here[column : column + 1]
        shown = "a backquote (`)" if character == "`" else f"`{character}`" if character.strip() else "this character"
        return False, f"a value cannot start with {shown}", "put the whole value in double quotes"
    if "block scalar" in context:
        return (
            False,
            "the text after `|` or `>` must start on the next line",
            "move it to the next line, indented, or put the whole value in double quotes",
        )
    if "expected key" in problem:
        before = here[:column].rstrip()
        if before.endswith(('"', "'")) and ":" in before:
            return False, "there is more text after the closing quote", "put the whole value inside the quotes"
        if here.lstrip().startswith(":"):
            return False, "this line has no field name before `:`", "write it as `name: value`"
        return (
            False,
            "this line is not lined up with the fields above it",
            "indent it with the same number of spaces as the fields of its group",
        )
    if "'-' indicator" in problem:
        return (
            False,
            "this line is not lined up with the list entry above it",
            "start a new entry with `- `, or indent this line to line up with the first field after the `- ` above",
        )
    return None


def problem_to_error(path: str, problem: YamlProblem, field: str | None = None) -> ContentError:
    """Return the content error for a YAML problem in a file."""
    return ContentError(path, problem.line, field or problem.field, problem.problem, problem.fix)
