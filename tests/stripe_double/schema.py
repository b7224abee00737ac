"""What the Stripe SDK itself says each endpoint accepts.

The route table is read from the SDK's service modules (each method names its
HTTP method, its path and its ``…Params`` TypedDict), and a request's parameters
are checked against that TypedDict, nested ones included. A parameter the SDK
does not declare for the endpoint is refused the way Stripe refuses it, so a
misspelled or retired parameter fails the test that sends it.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import stripe
from stripe._request_options import RequestOptions
from typing_extensions import is_typeddict

#: Keys of RequestOptions travel as headers, never as parameters.
_OPTION_KEYS = frozenset(RequestOptions.__annotations__)


class ParamError(Exception):
    """A parameter Stripe would refuse; ``param`` is its name in Stripe's bracket notation."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # the SDK's path, e.g. "/v1/subscriptions/{subscription_exposed_id}"
    pattern: re.Pattern[str]
    params: type | None  # the TypedDict, or None when the endpoint takes none

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


@cache
def routes() -> tuple[Route, ...]:
    """Every v1 endpoint the SDK's services call, most specific paths first."""
    package = Path(stripe.__file__).parent
    found: dict[tuple[str, str], Route] = {}
    for source in sorted(package.rglob("_*_service.py")):
        relative = source.relative_to(package)
        if relative.parts[0] in {"v2", "params"}:
            continue
        module = "stripe." + ".".join(relative.with_suffix("").parts)
        for route in _service_routes(module, source.read_text()):
            found.setdefault((route.method, route.template), route)
    return tuple(sorted(found.values(), key=lambda r: (r.template.count("{"), -len(r.template))))


def _service_routes(module: str, source: str) -> list[Route]:
    tree = ast.parse(source)
    imported = _type_checking_imports(tree)
    result = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        call = _request_call(node)
        if call is None:
            continue
        method, template = call
        if not template.startswith("/v1/"):
            continue
        params_name = _params_annotation(node)
        params = _load(imported[params_name]) if params_name in imported else None
        result.append(Route(method, template, _path_pattern(template), params))
    return result


def _type_checking_imports(tree: ast.Module) -> dict[str, tuple[str, str]]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _request_call(function: ast.FunctionDef) -> tuple[str, str] | None:
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"_request", "_request_stream"}
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)
        ):
            path = node.args[1]
            if isinstance(path, ast.Call) and isinstance(path.func, ast.Attribute):
                path = path.func.value  # "/v1/x/{id}".format(...)
            if isinstance(path, ast.Constant) and isinstance(path.value, str):
                return str(node.args[0].value), path.value
    return None


def _params_annotation(function: ast.FunctionDef) -> str | None:
    for argument in function.args.args + function.args.kwonlyargs:
        if argument.arg == "params" and argument.annotation is not None:
            found = re.search(r"\b(\w+Params)\b", ast.unparse(argument.annotation))
            return found.group(1) if found else None
    return None


def _load(location: tuple[str, str]) -> type:
    module, name = location
    loaded: type = getattr(importlib.import_module(module), name)
    return loaded


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex)


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes():
        arguments = route.match(method, path)
        if arguments is not None:
            return route, arguments
    return None


# Checking and typing the parameters


def check_params(params_type: type | None, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters, typed as the SDK declares them; ParamError on anything undeclared."""
    if params_type is None:
        if raw:
            name = next(iter(raw))
            raise ParamError(f"Received unknown parameter: {name}", name)
        return {}
    return _typed_dict(params_type, raw, "", top_level=True)


@cache
def _hints(typed_dict: type) -> dict[str, Any]:
    module = vars(importlib.import_module(typed_dict.__module__))
    return typing.get_type_hints(typed_dict, localns=_NamesOf(module))


class _Unknown:
    """Stands for a name imported only for type checkers (in RequestOptions, never a param)."""

    def __class_getitem__(cls, _: Any) -> type[_Unknown]:
        return cls


class _NamesOf(dict[str, Any]):
    """A module's names, and _Unknown for those it imports only for type checkers."""

    def __init__(self, module: dict[str, Any]) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, name: str) -> Any:
        if name in self.module:
            return self.module[name]
        return getattr(builtins, name, _Unknown)


def _typed_dict(
    typed_dict: type, value: Any, where: str, top_level: bool = False
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ParamError(f"Invalid object for {where or 'the request'}", where)
    hints = _hints(typed_dict)
    result = {}
    for key, item in value.items():
        name = f"{where}[{key}]" if where else key
        if key not in hints or (top_level and key in _OPTION_KEYS):
            raise ParamError(f"Received unknown parameter: {name}", name)
        result[key] = _coerce(hints[key], item, name)
    required: frozenset[str] = getattr(typed_dict, "__required_keys__", frozenset())
    missing = sorted(required - set(value) - (_OPTION_KEYS if top_level else set()))
    if missing:
        name = f"{where}[{missing[0]}]" if where else missing[0]
        raise ParamError(f"Missing required param: {name}.", name)
    return result


def _coerce(annotation: Any, value: Any, where: str) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        errors = []
        for option in get_args(annotation):
            try:
                return _coerce(option, value, where)
            except ParamError as error:
                errors.append(error)
        raise max(errors, key=lambda error: len(error.param))
    if origin is Literal:
        if value in [str(choice) for choice in get_args(annotation)]:
            return value
        raise ParamError(f"Invalid value for {where}: {value!r}", where)
    if origin in (list, typing.List):  # noqa: UP006
        items = _as_list(value, where)
        (item_type,) = get_args(annotation)
        return [_coerce(item_type, item, f"{where}[{i}]") for i, item in enumerate(items)]
    if origin in (dict, typing.Dict) or _is_untyped_object(annotation):  # noqa: UP006
        if not isinstance(value, Mapping):
            raise ParamError(f"Invalid hash for {where}", where)
        return {str(k): v for k, v in value.items()}
    if is_typeddict(annotation):
        return _typed_dict(annotation, value, where)
    return _scalar(annotation, value, where)


def _is_untyped_object(annotation: Any) -> bool:
    base = get_origin(annotation) or annotation
    return isinstance(base, type) and issubclass(base, stripe.StripeObject)


def _as_list(value: Any, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping) and all(str(k).isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    raise ParamError(f"Invalid array for {where}", where)


def _scalar(annotation: Any, value: Any, where: str) -> Any:
    if isinstance(value, Mapping | list):
        raise ParamError(f"Invalid value for {where}: expected a {annotation.__name__}", where)
    text = str(value)
    try:
        if annotation is bool:
            if text not in ("true", "false"):
                raise ValueError(text)
            return text == "true"
        if annotation is int:
            return int(text)
        if annotation is float:
            return float(text)
        if annotation is Decimal:
            return Decimal(text)
    except (ValueError, InvalidOperation):
        raise ParamError(f"Invalid {annotation.__name__} for {where}: {text!r}", where) from None
    return text
