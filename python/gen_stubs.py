"""Writes accountkit/_vendors.pyi, the per-vendor types, from the C library's
vendor table (``_core.vendors()``, what ``ak.describe_vendors()`` returns).

    python gen_stubs.py PATH/TO/_core.<ext> PATH/TO/accountkit/client.py OUTPUT.pyi

Run by python/CMakeLists.txt after ``_core`` is built; the output is installed
into the package and not checked in (the vendor tables in core/vendors are the
one place the fields are defined). The stub is never executed: it may use
typing_extensions, which type checkers ship, without making it a run-time
dependency."""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import keyword
import re
import sys
from pathlib import Path
from typing import Any

# The Client methods that run one operation each, by the operation's name.
_METHODS = ("create_account", "get_account", "update_account", "delete_account", "list_accounts")

# Client.__init__'s own keyword arguments, which the options they set are not repeated as.
_OWN = ("base_url", "timeout_ms", "connect_timeout_ms", "validate")

_OPTION_TYPES = {"text": "str", "url": "str", "boolean": "bool", "integer": "int", "milliseconds": "int", "number": "float"}

_FIELD_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "scalar": "Any"}


def load_core(path: str) -> Any:
    loader = importlib.machinery.ExtensionFileLoader("_core", path)
    spec = importlib.util.spec_from_file_location("_core", path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def camel(text: str) -> str:
    """A class-name part: "99digital" -> "Digital99", "create_account" -> "CreateAccount"."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    joined = "".join(w[:1].upper() + w[1:] for w in words)
    rest = joined.lstrip("0123456789")
    return rest[:1].upper() + rest[1:] + joined[: len(joined) - len(rest)]


class Writer:
    def __init__(self) -> None:
        self.typed_dicts: list[str] = []

    def value_type(self, field: dict[str, Any], name: str) -> str:
        kind = field["type"]
        if "one_of" in field:
            text = "Literal[" + ", ".join(repr(v) for v in field["one_of"]) + "]"
        elif kind == "object":
            text = self.typed_dict(name, field.get("fields", [])) if field.get("fields") else "Mapping[str, Any]"
        elif kind == "array":
            element = field.get("element")
            text = f"list[{self.value_type(element, name + 'Item')}]" if element else "list[Any]"
        else:
            text = _FIELD_TYPES.get(kind, "Any")
        if field.get("nullable") and text != "Any":
            text += " | None"
        return text

    def typed_dict(self, name: str, fields: list[dict[str, Any]], *, optional: str = "", leave_out: str = "") -> str:
        """Declares a TypedDict of fields (functional syntax: any key works) and returns its name.
        optional: a required field that may be given otherwise (a positional id); leave_out: one left out."""
        entries = []
        for f in fields:
            if f["name"] == leave_out:
                continue
            t = self.value_type(f, name + camel(f["name"]))
            if f["required"] and f["name"] != optional:
                t = f"Required[{t}]"
            entries.append(f"    {f['name']!r}: {t},")
        body = "{\n" + "\n".join(entries) + "\n}" if entries else "{}"
        self.typed_dicts.append(f"{name} = TypedDict({name!r}, {body}, total=False)\n")
        return name


def option_params(vendor: dict[str, Any]) -> list[str]:
    params = ["base_url: str | None = ..."]
    params += [f"{c}: str | None = ..." for c in vendor["credentials"] if c != "base_url"]
    params += [
        "timeout: float | None = ...",
        "connect_timeout: float | None = ...",
        "validate: bool = ...",
        'logger: logging.Logger | str | None = ...',
    ]
    for o in vendor["options"]:
        if o["name"] not in _OWN and o["name"] not in vendor["credentials"] and o["name"].isidentifier():
            params.append(f"{o['name']}: {_OPTION_TYPES.get(o['type'], 'str')} | None = ...")
    return params


def methods(
    writer: Writer, prefix: str, vendor: dict[str, Any], taken: set[str], asynchronous: bool = False
) -> list[str]:
    """One method per operation: the Client's own five (overridden with the
    vendor's fields) and every other one (Client.__getattr__ at run time).
    taken: Client's attribute names, which no operation may shadow.
    asynchronous: AsyncClient's (coroutines; list operations async iterators);
    the TypedDicts are the Client's, declared once."""
    out = []
    if asynchronous:
        writer = _Reuse()
    define = "async def" if asynchronous else "def"
    items = "AsyncIterator[Result]" if asynchronous else "Iterator[Result]"
    known = {op["name"] for op in vendor["operations"]}
    # A method whose operation the vendor lacks raises UnknownOperationError: not callable here.
    out += [f"    {name}: None  # type: ignore[assignment]" for name in _METHODS if name not in known]
    for op in vendor["operations"]:
        name = op["name"]
        if name not in _METHODS and (name in taken or not name.isidentifier() or keyword.iskeyword(name)):
            continue  # reached through call() only
        override = "  # type: ignore[override]" if name in _METHODS else ""
        fields, id_field = op["fields"], op.get("id_field", "")
        base = prefix + camel(name)
        if op["kind"] == "list":
            td = writer.typed_dict(base + "Filters", fields)
            out.append(f"    def {name}(self, **filters: Unpack[{td}]) -> {items}: ...{override}")
            continue
        if not id_field:
            td = writer.typed_dict(base + "Fields", fields)
            out.append(f"    {define} {name}(self, **fields: Unpack[{td}]) -> Result: ...{override}")
            continue
        # The id by position (then not by name), or by name.
        by_name = writer.typed_dict(base + "Fields", fields)
        by_position = writer.typed_dict(base + "FieldsAfterId", fields, leave_out=id_field)
        out += [
            f"    @overload{override}",
            f"    {define} {name}(self, id: str | int, /, **fields: Unpack[{by_position}]) -> Result: ...",
            "    @overload",
            f"    {define} {name}(self, /, **fields: Unpack[{by_name}]) -> Result: ...",
        ]
    return out


class _Reuse(Writer):
    """A Writer that names the TypedDicts another has declared, declaring none."""

    def typed_dict(self, name: str, fields: list[dict[str, Any]], *, optional: str = "", leave_out: str = "") -> str:
        return name


def vendor_prefix(vendor: dict[str, Any], class_names: list[str]) -> str:
    """The first word of the display name ("Commvault"), with its last one when an
    earlier vendor took that ("ActivePlatform API v3" -> "ActivePlatformV3")."""
    words = vendor["display_name"].split()
    prefix = camel(words[0])
    if prefix + "Client" in class_names:
        prefix += camel(words[-1])
    return prefix


def render(vendors: list[dict[str, Any]], taken: set[str], async_taken: set[str] | None = None) -> str:
    writer = Writer()
    names = [v["name"] for v in vendors]
    classes, overloads, class_names = [], [], []
    async_classes, async_overloads, async_names = [], [], []
    for v in vendors:
        prefix = vendor_prefix(v, class_names)
        cls = prefix + "Client"
        class_names.append(cls)
        doc = f'    """A Client of {v["display_name"]} ("{v["name"]}"): its operations take its own fields."""'
        classes.append(f"class {cls}(Client):\n{doc}\n" + "\n".join(methods(writer, prefix, v, taken)) + "\n")
        params = ",\n        ".join(option_params(v))
        overloads.append(
            f"    @overload\n    def __new__(\n        cls,\n        vendor: Literal[{v['name']!r}],\n        *,\n"
            f"        {params},\n    ) -> {cls}: ..."
        )
        acls = prefix + "AsyncClient"
        async_names.append(acls)
        adoc = (f'    """An AsyncClient of {v["display_name"]} ("{v["name"]}"): coroutine methods '
                'taking its own fields."""')
        amethods = methods(writer, prefix, v, taken if async_taken is None else async_taken, asynchronous=True)
        async_classes.append(f"class {acls}(AsyncClient):\n{adoc}\n" + "\n".join(amethods) + "\n")
        async_overloads.append(
            f"    @overload\n    def __new__(\n        cls,\n        vendor: Literal[{v['name']!r}],\n        *,\n"
            f"        max_in_flight: int = ...,\n        {params},\n    ) -> {acls}: ..."
        )
    literal = "Literal[" + ", ".join(repr(n) for n in names) + "]"
    all_names = ["VendorName", "Client", "AsyncClient"] + class_names + async_names
    if len(overloads) == 1:  # one vendor: no overloads, a plain __new__
        overloads[0] = overloads[0].replace("    @overload\n", "", 1)
        async_overloads[0] = async_overloads[0].replace("    @overload\n", "", 1)
    return (
        "# Generated by python/gen_stubs.py from the C library's vendor table at build time. Do not edit.\n"
        "# Per-vendor types for type checkers only: nothing here exists at run time except what\n"
        "# accountkit exports (ak.Client is accountkit.client.Client, ak.VendorName is str).\n"
        "import logging\n"
        "from collections.abc import AsyncIterator, Iterator, Mapping\n"
        "from typing import Any, Literal, overload\n\n"
        "from typing_extensions import Required, TypedDict, Unpack\n\n"
        "from .aio import AsyncClient as _AsyncClient\n"
        "from .client import Client as _Client\n"
        "from .client import Result\n\n"
        f"__all__ = {all_names!r}\n\n"
        "#: The vendors this build knows.\n"
        f"VendorName = {literal}\n\n"
        + "\n".join(writer.typed_dicts)
        + "\nclass Client(_Client):\n"
        '    """ak.Client as type checkers see it: Client("99digital", ...) is a Digital99Client."""\n'
        + "\n".join(overloads)
        + "\n\n"
        + "\n".join(classes)
        + "\nclass AsyncClient(_AsyncClient):\n"
        '    """ak.AsyncClient as type checkers see it: AsyncClient("99digital", ...) is a Digital99AsyncClient."""\n'
        + "\n".join(async_overloads)
        + "\n\n"
        + "\n".join(async_classes)
    )


def client_attributes(client_py: Path, name: str = "Client") -> set[str]:
    """The names Client (or name) defines (read from its source: the package is
    not importable while it is being built), which operations must not shadow."""
    tree = ast.parse(client_py.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return {n.name for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))} - set(
                _METHODS
            )
    raise SystemExit(f"{client_py}: no class {name}")


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    # AsyncClient lives next to Client (accountkit/aio.py).
    aio_py = Path(argv[2]).with_name("aio.py")
    text = render(load_core(argv[1]).vendors(), client_attributes(Path(argv[2])),
                  client_attributes(aio_py, "AsyncClient"))
    compile(text, argv[3], "exec")  # a stub is Python syntax
    with open(argv[3], "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
