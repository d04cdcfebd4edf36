"""Read YAML strictly: every scalar stays a string, duplicate keys and tags are errors.

PyYAML's C parser composes the node tree; we build plain data from it ourselves
so that `no` stays "no", `2024-02-30` stays text for the validator to judge, and
every key keeps its line number for error messages.
"""

from __future__ import annotations

from typing import Union

import yaml

from tracker.errors import ContentError

Value = Union[str, None, "YamlList", "YamlMap"]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value", "merge")
)


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
    """A YAML file that cannot be read; carries the line and a plain explanation."""

    def __init__(self, line: int, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.fix = fix


def parse_yaml(text: str, first_line: int = 1) -> Value:
    """Parse YAML text into plain data, counting lines from first_line."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as error:
        raise _explain_syntax_error(error, text, first_line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(first_line, f"the YAML cannot be read ({error})", "check the file's syntax") from None
    if node is None:
        return None
    return _convert(node, first_line, set())


def _explain_syntax_error(error: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    index = mark.line if mark else 0
    line = first_line + index
    problem = error.problem or "the YAML cannot be read"
    lines = text.splitlines()
    if index < len(lines) and "\t" in lines[index][: len(lines[index]) - len(lines[index].lstrip())]:
        return YamlProblem(line, "a tab character is used for indentation", "indent with spaces, not tabs")
    if "mapping values are not allowed" in problem:
        return YamlProblem(
            line,
            "a value contains ': ' and YAML reads it as a new field",
            "put the whole value in double quotes",
        )
    return YamlProblem(line, f"YAML syntax error: {problem}", "check the indentation and quotes on this line and the one above")


def _convert(node: yaml.Node, first_line: int, seen: set[int]) -> Value:
    line = first_line + node.start_mark.line
    if id(node) in seen:
        raise YamlProblem(line, "anchors and aliases (& and *) are not supported", "write the value out in full")
    seen.add(id(node))
    if node.tag not in _CORE_TAGS:
        raise YamlProblem(line, f"the YAML tag {node.tag!r} is not allowed", "remove the tag (the word starting with !)")
    if isinstance(node, yaml.ScalarNode):
        return _convert_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return _convert_sequence(node, first_line, seen)
    assert isinstance(node, yaml.MappingNode)
    return _convert_mapping(node, first_line, seen)


def _convert_scalar(node: yaml.ScalarNode) -> str | None:
    value = str(node.value)
    if not node.style and value in _NULLS:
        return None
    return value


def _convert_sequence(node: yaml.SequenceNode, first_line: int, seen: set[int]) -> YamlList:
    result = YamlList(first_line + node.start_mark.line)
    for item in node.value:
        result.item_lines.append(first_line + item.start_mark.line)
        result.append(_convert(item, first_line, seen))
    return result


def _convert_mapping(node: yaml.MappingNode, first_line: int, seen: set[int]) -> YamlMap:
    result = YamlMap(first_line + node.start_mark.line)
    for key_node, value_node in node.value:
        key_line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem(key_line, "this key is not a plain name", "write each field as `name: value`")
        key = str(key_node.value)
        if key in result:
            raise YamlProblem(
                key_line,
                f"duplicate key {key!r} (first given on line {result.key_lines[key]})",
                "keep one of the two lines and delete the other",
            )
        result.key_lines[key] = key_line
        result[key] = _convert(value_node, first_line, seen)
    return result


def problem_to_error(path: str, problem: YamlProblem, field: str = "yaml") -> ContentError:
    """Return the content error for a YAML problem in a file."""
    return ContentError(path, problem.line, field, problem.problem, problem.fix)
