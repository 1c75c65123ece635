"""The accountkit command over CSV records end to end: cells typed from the
vendor's schema, nested paths, references, header problems, the sample."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, run_cli
from cli_support import AP_CREATE, by_line, read_results


CSV_HEADER = ("vendor,operation,key,expect,account_name,agents,inboxes,admin_email,admin_name,admin_displayName,"
              "admin_password,reference,account_id,server,account_status\n")


def test_csv_validate_types_cells_from_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(
        CSV_HEADER
        + "99digital,create_account,c1,,Acme,10,5,a@acme.example,Ada,Ada,Sandbox!Pass1,crm1,,,\n"
        + "99digital,create_account,c2,,Acme,many,5,a@acme.example,Ada,Ada,Sandbox!Pass1,,,,\n"
        + "99digital,update_account,c3,,,,,,,,,,${c1.account_id},online,2\n"
        + "99digital,update_account,c4,validation,null,,,,,,,,1000,online,\n"
    )
    out = run_cli("validate", str(path))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == f"{path}:3: [c2] 99digital create_account: agents: must be an integer, got string (type)"
    assert lines[1].startswith(f"{path}:4: [c3] 99digital update_account: account_status:")
    assert lines[2].startswith(f"{path}:5: [c4] 99digital update_account: account_name:")
    assert lines[2].endswith("(expected)")
    assert len(lines) == 3


def test_csv_apply_with_nested_paths_and_references(tmp_path: Path) -> None:
    nn_csv = tmp_path / "nn.csv"
    nn_csv.write_text(
        CSV_HEADER
        + "99digital,create_account,c1,,Acme,10,5,a@acme.example,Ada,Ada,Sandbox!Pass1,crm1,,,\n"
        + "99digital,update_account,c2,,Acme Two,,,,,,,,${c1.account_id},online,0\n"
        + "\n"
        + "99digital,list_accounts,c3,,,,,,,,,,,,\n"
    )
    results = tmp_path / "nn.jsonl"
    out = run_cli("apply", str(nn_csv), "--sandbox", "--out", str(results))
    assert out.returncode == 0, out.stderr + results.read_text()
    lines = read_results(results)
    assert [l["line"] for l in lines] == [2, 3, 5]
    assert lines[1]["result"]["status"] == "suspended"
    assert lines[2]["result"]["items"][0]["account_name"] == "Acme Two"

    ap_csv = tmp_path / "ap.csv"
    columns = list(AP_CREATE) + ["billing_day", "custom_attributes[0].key", "custom_attributes[0].value",
                                 "custom_attributes[1].key", "custom_attributes[1].value"]
    row = [str(AP_CREATE[c]) for c in AP_CREATE] + ["15", "vip", "true", "seats", "12"]
    ap_csv.write_text("vendor,operation,key," + ",".join(columns) + "\n"
                      + "activeplatform,create_account,a1," + ",".join(row) + "\n")
    results = tmp_path / "ap.jsonl"
    out = run_cli("apply", str(ap_csv), "--sandbox", "--out", str(results))
    assert out.returncode == 0, out.stderr + results.read_text()
    data = read_results(results)[0]["result"]["data"]
    assert data["custom_attributes"] == [{"key": "vip", "value": True}, {"key": "seats", "value": 12}]
    assert data["account_type_id"] == 1


def test_the_csv_sample(tmp_path: Path) -> None:
    sample = EXAMPLES / "accounts.csv"
    out = run_cli("validate", str(sample))
    assert out.returncode == 0, out.stdout
    assert f"{sample}:4: [ap-csv-bad] activeplatform create_account: billing_day:" in out.stdout
    results = tmp_path / "out.jsonl"
    out = run_cli("apply", str(sample), "--sandbox", "--out", str(results))
    assert out.returncode == 0, out.stderr
    lines = by_line(results)
    assert [l["ok"] for l in lines] == [True, True, False]
    assert lines[1]["result"]["data"]["custom_attributes"] == [{"key": "vip", "value": True}]
    assert lines[0]["result"]["data"]["custom_attributes"] == [{"key": "crm_id", "value": "G-1906"}]


def test_csv_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("vendor,operation,a[x]\n99digital,list_accounts,1\n")
    out = run_cli("validate", str(path))
    assert out.returncode == 1
    assert f"{path}:1: [no key]" in out.stdout and 'no "key" column' in out.stdout and '"a[x]"' in out.stdout
