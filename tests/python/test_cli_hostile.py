"""accountkit validate and apply on files nobody should write: every problem
is one clear line naming the file and line (the run goes on), a file that is
not text at all is refused with exit 2, never a traceback, never a secret, and
memory stays bounded whatever the file holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest

import accountkit as ak

from conftest import accountkit_command, nn_account, run_cli

MAX_LINE_BYTES = 1 << 20  # docs/cli.md, "Input limits" (accountkit._lines.MAX_LINE_BYTES)
SECRET = "Xyzzy!Plugh42"  # a password that must never be printed
VALID = {"key": "ok", "vendor": "99digital", "operation": "create_account",
         "fields": nn_account(admin_password=SECRET)}
INVALID = {"key": "bad", "vendor": "99digital", "operation": "create_account",
           "fields": nn_account(agents=12345, admin_password=SECRET)}  # one problem: agents


EXCEPTION = re.compile(r"\b[A-Z]\w*Error\b")  # MemoryError, RecursionError, UnicodeDecodeError...


def jsonl(record: dict[str, Any]) -> bytes:
    return (json.dumps(record) + "\n").encode()


def clean(out: subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr, checked for what must never appear."""
    text = out.stdout + out.stderr
    assert "Traceback" not in text and not EXCEPTION.search(text), text[:2000]
    assert SECRET not in text
    return text


def validate(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    out = run_cli("validate", str(path), *extra)
    clean(out)
    return out


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# Runs the command as its child and reports that child's peak RSS (KB) as the last line of stderr. A
# child of this test process would report this process's own peak too (Linux counts the parent's
# memory at fork in the child's ru_maxrss): the wrapper is small when it forks.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
sys.stderr.write("\\n%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""


def run_measured(args: list[str], feed: Any = None) -> tuple[int, str, str, float]:
    """Runs the CLI; feed(stdin) writes its standard input from a thread.
    Returns (exit status, stdout, stderr, the command's peak RSS in MB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTKIT_")}
    proc = subprocess.Popen([sys.executable, "-c", _MEASURE, *accountkit_command(), *args], env=env,
                            stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    threads = []
    if feed is not None:
        assert proc.stdin is not None
        stdin: IO[bytes] = proc.stdin

        def write() -> None:
            try:
                feed(stdin)
                stdin.close()
            except BrokenPipeError:
                pass

        threads.append(threading.Thread(target=write, daemon=True))
    outputs: dict[str, bytes] = {}
    for name, stream in (("out", proc.stdout), ("err", proc.stderr)):
        threads.append(threading.Thread(target=lambda n=name, s=stream: outputs.__setitem__(n, s.read()), daemon=True))
    for t in threads:
        t.start()
    code = proc.wait(timeout=600)
    for t in threads:
        t.join(60)
    stderr, _, peak_kb = outputs["err"].decode().rstrip("\n").rpartition("\n")
    return code, outputs["out"].decode(), stderr, int(peak_kb) / 1024


# -- JSONL ----------------------------------------------------------------------------


def test_a_record_nested_100000_deep_is_one_line_s_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(jsonl(INVALID) + ('{"key": "d", "fields": {"a": ' + deep(100_000) + "}}\n").encode()
                     + jsonl(VALID))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{path}:1: [bad]")
    assert lines[1] == (f"{path}:2: [no key]: the record nests deeper than {ak._core.MAX_DEPTH} levels "
                        "(the limit for fields) (invalid_record)")
    assert len(lines) == 2  # line 3 is valid: the run went on
    assert "3 records, 2 invalid" in out.stderr


def test_the_nesting_limit_is_the_core_s_and_refused_per_line(tmp_path: Path) -> None:
    def record(key: str, levels: int) -> dict[str, Any]:
        return {"key": key, "vendor": "99digital", "operation": "list_accounts",
                "fields": {"a": json.loads(deep(levels))}}

    path = tmp_path / "deep.jsonl"
    path.write_bytes(jsonl(record("d64", ak._core.MAX_DEPTH)) + jsonl(record("d65", ak._core.MAX_DEPTH + 1))
                     + jsonl(INVALID))
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{path}:1: [d64] 99digital list_accounts: a: is not a known field of list_accounts, which takes no fields (unknown_field)",
        f"{path}:2: [no key]: the record nests deeper than 64 levels (the limit for fields) (invalid_record)",
        f"{path}:3: [bad] 99digital create_account: agents: must have at most 4 digits (has 5) (max_digits)",
    ]


def test_apply_reports_a_deep_record_and_runs_the_others(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    ref = {"key": "r", "vendor": "99digital", "operation": "update_account",
           "fields": {"account_id": "${ok.account_id}", "x": json.loads(deep(500))}}
    path.write_bytes(jsonl(VALID) + ('{"key": "d", "fields": {"a": ' + deep(100_000) + "}}\n").encode()
                     + jsonl(ref))
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(path), "--sandbox", "--out", str(results), "--max-in-flight", "1")
    clean(out)
    assert out.returncode == 1
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [(r["line"], r["ok"]) for r in lines] == [(1, True), (2, False), (3, False)]
    assert lines[1]["error"]["category"] == "invalid_record" and "nests deeper" in lines[1]["error"]["message"]
    assert lines[2]["error"]["category"] == "invalid_record"
    assert SECRET not in results.read_text()


def test_lines_that_are_not_utf8_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    bad = jsonl({**VALID, "key": "latin"}).replace(SECRET.encode(), SECRET.encode() + b"\xe9")
    path.write_bytes(jsonl(INVALID) + bad + jsonl(VALID))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{path}:2: [no key]: the line is not UTF-8 text (an invalid byte at column ")
    assert lines[1].endswith("(invalid_record)")


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_a_utf16_file_is_refused_whole(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "utf16.jsonl"
    text = json.dumps(VALID) + "\n"
    path.write_bytes(bom + text.encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"))
    for args in (["validate", str(path)], ["apply", str(path), "--sandbox", "--out", str(tmp_path / "o.jsonl")]):
        out = run_cli(*args)
        clean(out)
        assert out.returncode == 2
        assert out.stdout == ""
        assert f"{path} is UTF-16 or UTF-32 text (it starts with a byte order mark): records must be UTF-8" in out.stderr
    assert not (tmp_path / "o.jsonl").exists() or (tmp_path / "o.jsonl").read_text() == ""


def test_binary_garbage_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(jsonl(VALID) + bytes(range(256)) * 64)
    out = validate(path)
    assert out.returncode == 2 and out.stdout == ""
    assert f"{path} is not a text file (a NUL byte on line 2)" in out.stderr


def test_a_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl(VALID).replace(b"\n", b"\r\n") + jsonl(INVALID).replace(b"\n", b"\r\n"))
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout.startswith(f"{path}:2: [bad]") and len(out.stdout.splitlines()) == 1
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfvendor,operation,key,agents\r\n99digital,list_accounts,k1,\r\n"
                         b"99digital,create_account,k2,12345\r\n")
    out = validate(csv_path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines and all(line.startswith(f"{csv_path}:3: [k2] 99digital create_account: ") for line in lines)
    assert f"{csv_path}:3: [k2] 99digital create_account: agents: must have at most 4 digits (has 5) (max_digits)" in lines


def test_an_empty_file_has_no_records(tmp_path: Path) -> None:
    for name in ("empty.jsonl", "empty.csv"):
        path = tmp_path / name
        path.write_bytes(b"")
        out = validate(path)
        assert out.returncode == 0 and out.stdout == "" and "0 records, 0 invalid" in out.stderr


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    for args, words in ((["validate", str(tmp_path)], "Is a directory"),
                        (["validate", str(tmp_path / "missing.jsonl")], "No such file"),
                        (["apply", str(tmp_path), "--sandbox", "--out", str(tmp_path / "o.jsonl")], "Is a directory")):
        out = run_cli(*args)
        clean(out)
        assert out.returncode == 2 and words in out.stderr and out.stdout == ""


def test_a_fifo_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as f:
            f.write(jsonl(VALID) + jsonl(INVALID))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    out = validate(fifo)
    writer.join(10)
    assert out.returncode == 1 and out.stdout.startswith(f"{fifo}:2: [bad]")


def test_a_line_over_the_limit_is_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_record = {**VALID, "key": "long", "fields": {"account_name": "x" * MAX_LINE_BYTES}}
    path.write_bytes(jsonl(long_record) + jsonl(INVALID))
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{path}:1: [no key]: the line is longer than {MAX_LINE_BYTES} bytes (the limit for a line) (invalid_record)",
        f"{path}:2: [bad] 99digital create_account: agents: must have at most 4 digits (has 5) (max_digits)",
    ]


def test_a_256_mb_line_without_a_newline_keeps_memory_bounded() -> None:
    def feed(stdin: IO[bytes]) -> None:
        stdin.write(jsonl(INVALID))
        chunk = b"x" * (1 << 20)
        for _ in range(256):
            stdin.write(chunk)
        stdin.write(b"\n" + jsonl({**INVALID, "key": "after"}) + b"y" * (64 << 20))  # the last line has no newline

    code, stdout, stderr, peak_mb = run_measured(["validate", "-"], feed)
    assert "Traceback" not in stderr
    assert code == 1
    lines = stdout.splitlines()
    assert [line.split(": ")[0] for line in lines] == ["<stdin>:1", "<stdin>:2", "<stdin>:3", "<stdin>:4"]
    assert "longer than" in lines[1] and lines[2].startswith("<stdin>:3: [after]") and "longer than" in lines[3]
    assert peak_mb < 150, f"peak RSS {peak_mb:.0f} MB"


def test_apply_over_a_file_with_a_huge_line_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as f:  # in pieces: this process stays small (the child's peak RSS counts it at fork)
        f.write(jsonl(INVALID) + b'{"key": "${ok.x}", ')
        chunk = b"x" * (1 << 20)
        for _ in range(200):
            f.write(chunk)
        f.write(b"\n" + jsonl(VALID))
    results = tmp_path / "out.jsonl"
    code, _, stderr, peak_mb = run_measured(["apply", str(path), "--sandbox", "--out", str(results)])
    assert "Traceback" not in stderr and code == 1
    lines = sorted((json.loads(line) for line in results.read_text().splitlines()), key=lambda r: r["line"])
    assert [(r["line"], r["ok"]) for r in lines] == [(1, False), (2, False), (3, True)]
    assert "longer than" in lines[1]["error"]["message"]
    assert peak_mb < 150, f"peak RSS {peak_mb:.0f} MB"


# -- CSV ------------------------------------------------------------------------------

CSV_HEAD = "vendor,operation,key,account_name,agents,inboxes,admin_email,admin_name,admin_displayName,admin_password\n"


def csv_row(key: str, agents: str = "10", name: str = "Acme") -> str:
    return f"99digital,create_account,{key},{name},{agents},5,a@acme.example,Ada,Ada,{SECRET}\n"


@pytest.mark.parametrize("column", ["contacts[999999999].email", "contacts[3000000].email"])
def test_a_csv_column_with_a_huge_index_is_refused(tmp_path: Path, column: str) -> None:
    path = tmp_path / "huge-index.csv"
    path.write_text(f"vendor,operation,key,{column}\n99digital,list_accounts,k1,a@b.example\n")
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout.startswith(f'{path}:1: [no key]: column "{column}" is not a field path: ')
    assert "from 0 to 100000" in out.stdout and len(out.stdout) < 500


def test_csv_rows_with_more_cells_than_the_header_and_bad_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(CSV_HEAD + csv_row("k1").replace("\n", ",extra,cells\n") + csv_row("k2", agents="12345")
                    + '99digital,create_account,k3,"' + "x" * 200_000 + '",10\n' + csv_row("k4", agents="99999"))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == f"{path}:2: [no key]: the row has 12 cells, the header 10 (invalid_record)"
    assert lines[1].startswith(f"{path}:3: [k2] 99digital create_account: agents:")
    assert lines[2].startswith(f"{path}:4: [no key]: not valid CSV: field larger than field limit")
    assert lines[3].startswith(f"{path}:5: [k4] 99digital create_account: agents:")  # the run went on
    assert len(lines) == 4


def test_csv_duplicate_and_too_many_columns(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("vendor,operation,key,agents,inboxes,agents\n" + "99digital,list_accounts,k1,,,\n")
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout == f'{path}:1: [no key]: the header names a column twice: "agents" (invalid_record)\n'
    path = tmp_path / "wide.csv"
    columns = [f"c{i}" for i in range(20_000)]
    path.write_text("vendor,operation,key," + ",".join(columns) + "\n"
                    + "99digital,list_accounts,k1," + ",".join("1" for _ in columns) + "\n")
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout == f"{path}:1: [no key]: the header has 20003 columns, more than 1000 (the limit) (invalid_record)\n"


def test_a_csv_nul_byte_past_the_first_block_is_one_row_s_problem(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    rows = [csv_row(f"k{i}") for i in range(200)]  # well past the first 8 KiB
    rows[150] = csv_row("k150", name="Ac\x00me")
    rows[151] = csv_row("k151", agents="12345")
    path.write_text(CSV_HEAD + "".join(rows))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == (f"{path}:152: [no key]: the line has a NUL byte (at column 33): records must be text "
                        "(invalid_record)")
    assert lines[1].startswith(f"{path}:153: [k151]") and len(lines) == 2
    path.write_text(CSV_HEAD + "".join(rows[148:]))  # the NUL in the first 8 KiB: a binary file
    out = validate(path)
    assert out.returncode == 2 and f"{path} is not a text file (a NUL byte on line 4)" in out.stderr


def test_a_csv_record_spanning_lines_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    extra = [f"c{i}" for i in range(9)]
    cell = '"' + ("y" * 999 + "\n") * 120 + '"'  # each line short, each cell within csv's limit: 9 of them over 1 MiB
    path.write_text(CSV_HEAD.rstrip("\n") + "," + ",".join(extra) + "\n"
                    + csv_row("k1").rstrip("\n") + "," + ",".join(cell for _ in extra) + "\n"
                    + csv_row("k2", agents="12345").rstrip("\n") + "," * len(extra) + "\n")
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    too_long = [line for line in lines if "the record that starts on line 2 is longer than 1048576 bytes" in line]
    assert len(too_long) == 1 and too_long[0].startswith(f"{path}:10")
    # What follows inside the record is read as rows of its own (misaligned: none of their cells is shown).
    assert all("y" * 100 not in line for line in lines) and len(lines) < 200


# -- what validate refuses, the call refuses (and the other way round) ------------------------------


def test_control_characters_in_a_list_filter_are_refused_by_validate() -> None:
    errors = ak.validate("commvault", "list_accounts", {"filter": "acme\r\nX-Injected: 1"})
    assert [(e.path, e.rule) for e in errors] == [("filter", "control_characters")]
    assert ak.validate("activeplatform", "list_accounts", {"filters": {"status": "active\n"}}) != []


def test_control_characters_in_a_list_filter_are_refused_by_the_command(tmp_path: Path) -> None:
    path = tmp_path / "filter.jsonl"
    path.write_bytes(jsonl({"key": "f", "vendor": "commvault", "operation": "list_accounts",
                            "fields": {"filter": "acme\r\nX-Injected: 1"}}))
    out = validate(path)
    assert out.returncode == 1
    assert out.stdout.startswith(f"{path}:1: [f] commvault list_accounts: filter: ")
    assert out.stdout.rstrip().endswith("(control_characters)")


@pytest.mark.parametrize("check", [True, False])
def test_list_accounts_checks_its_filters_when_called(fresh_sandbox: ak.Sandbox, check: bool) -> None:
    client = fresh_sandbox.client("commvault", validate=check)
    with pytest.raises(ak.ValidationError) as info:
        client.list_accounts(filter="acme\r\nX-Injected: 1")  # no next(): the call itself refuses
    assert [(e.path, e.rule) for e in info.value.errors] == [("filter", "control_characters")]
    with pytest.raises(ak.ValidationError):
        client.iterate("list_accounts", {"filter": "a\x00b"})
    assert fresh_sandbox.requests() == []
    accounts = client.list_accounts(pageSize=2)  # valid: nothing sent until the first next()
    assert fresh_sandbox.requests() == []
    assert next(accounts) is not None and fresh_sandbox.requests() != []


def test_keys_with_control_characters_and_lone_surrogates_cannot_forge_lines(tmp_path: Path) -> None:
    path = tmp_path / "forged.jsonl"
    path.write_bytes(jsonl({**INVALID, "key": "k\n/etc/x.jsonl:9: fake \x1b[2J"})
                     + b'{"key": "s\\ud800", "vendor": "99digital", "operation": "list_accounts"}\n' + jsonl(INVALID))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == (f"{path}:1: [k\\x0a/etc/x.jsonl:9: fake \\x1b[2J] 99digital create_account: agents: "
                        "must have at most 4 digits (has 5) (max_digits)")
    assert lines[1] == (f"{path}:2: [no key]: not valid JSON: a lone UTF-16 surrogate (\\uD800 to \\uDFFF without "
                        "its pair) (invalid_record)")
    assert lines[2].startswith(f"{path}:3: [bad]") and len(lines) == 3
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(path), "--sandbox", "--out", str(results))
    clean(out)
    assert out.returncode == 1 and len(results.read_text().splitlines()) == 3


def test_a_record_with_a_problem_per_list_element_reports_a_bounded_number(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes(jsonl({"key": "m", "vendor": "activeplatform", "operation": "create_account",
                            "fields": {"custom_attributes": [None] * 100_000}}))
    out = validate(path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 101, len(lines)
    assert lines[-1].startswith(f"{path}:1: [m] activeplatform create_account: and ")
    assert lines[-1].endswith(" more invalid fields (not shown)")
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(path), "--sandbox", "--out", str(results))
    clean(out)
    error = json.loads(results.read_text())["error"]
    assert len(error["fields"]) == 100 and error["fields_omitted"] > 99_000
    assert len(results.read_text()) < 20_000
