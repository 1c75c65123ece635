"""apply's planner, piece by piece and driven over a fake client: what
becomes of each record (skip, local, call, alone) and when a call may join
the run_many stream in flight. No network: apply_fakes.FakeClient logs what
run_many was given and when."""

from __future__ import annotations

from typing import Any

import pytest

import accountkit as ak
from accountkit._records import Record
from accountkit.cli._apply_plan import InFlight, Lookahead, Plan, Planner, may_join, target
from accountkit.cli._apply_resume import Resume

from apply_fakes import FakeClient, ap_get, apply, create, listing, tag_of, update, wait


def calls_in_file_order(records: list[Record], client: FakeClient) -> None:
    """Calls are started in file order, whatever order they finish in."""
    started = client.started()
    in_file = [tag_of(r.operation or "", r.fields) for r in records]
    assert started == [t for t in in_file if t in started]


# -- classify ---------------------------------------------------------------------------


def test_classify_says_what_becomes_of_each_record() -> None:
    planner = Planner(Resume())
    a = create(1, "a")
    assert planner.classify(a) == Plan("call")
    planner.take(a, planner.classify(a))
    assert planner.seen == {"a": 1}

    ref = update(2, "b", "${a.account_id}")
    assert planner.classify(ref) == Plan("call", refs=frozenset({"a"}))
    assert planner.classify(listing(3, "l")).kind == "alone"
    assert planner.classify(wait(4, "w")).kind == "alone"
    assert planner.classify(ap_get(5, "g", 7)).kind == "call"  # a read is one call

    invalid = planner.classify(create(6, "bad", agents=-1))
    assert invalid.kind == "local" and invalid.problem is not None and invalid.problem.category == "validation"
    unknown = planner.classify(update(7, "u", "${nope.account_id}"))
    assert unknown.kind == "local" and unknown.problem is not None and unknown.problem.category == "reference"
    duplicate = planner.classify(create(8, "a"))
    assert duplicate.kind == "local" and duplicate.duplicate
    assert duplicate.problem is not None and "line 1" in duplicate.problem.message
    assert planner.seen == {"a": 1}  # classify changes nothing: a record may be put back


def test_take_records_the_key_of_the_first_owner_only() -> None:
    planner = Planner(Resume())
    first = create(1, "k")
    planner.take(first, planner.classify(first))
    again = create(2, "k")
    planner.take(again, planner.classify(again))
    assert planner.seen == {"k": 1}


# -- the decisions one by one -----------------------------------------------------------------


def test_a_reference_to_a_key_in_flight_may_not_join() -> None:
    in_flight = InFlight()
    rec = update(2, "b", "${a.account_id}")
    plan = Plan("call", refs=frozenset({"a"}))
    assert may_join(rec, plan, "99digital", in_flight)
    in_flight.add(0, create(1, "a"), False, None)
    assert not may_join(rec, plan, "99digital", in_flight)
    in_flight.remove(0)
    assert may_join(rec, plan, "99digital", in_flight)


def test_other_vendors_waits_and_lists_never_join() -> None:
    in_flight = InFlight()
    assert may_join(create(1, "a"), Plan("call"), "99digital", in_flight)
    assert not may_join(create(1, "a"), Plan("call"), "activeplatform", in_flight)
    assert not may_join(listing(1, "l"), Plan("alone"), "99digital", in_flight)
    assert not may_join(wait(1, "w"), Plan("alone"), "commvault", in_flight)


def test_target_is_the_account_whatever_the_operation_calls_its_id() -> None:
    upd = update(1, "u", 7)
    delete = Record(line=2, key="d", vendor="99digital", operation="delete_account",
                    fields={"accountID": 7, "server": "online"})
    assert target(upd, upd.fields) == target(delete, delete.fields) == ("99digital", "7")
    assert target(update(3, "v", 8), {"account_id": 8}) != target(upd, upd.fields)
    assert target(create(4, "c"), create(4, "c").fields) is None  # a create has no account yet
    assert target(ap_get(5, "g", 7), {"account_id": 7}) == ("activeplatform", "7")  # vendors apart


def test_in_flight_forgets_a_key_and_an_account_once_finished() -> None:
    in_flight = InFlight()
    in_flight.add(0, update(1, "u", 7), False, ("99digital", "7"))
    in_flight.add(1, update(2, "v", 8), True, ("99digital", "8"))
    assert in_flight.keys == {"u", "v"} and in_flight.targets == {("99digital", "7"), ("99digital", "8")}
    in_flight.remove(0)
    assert in_flight.keys == {"v"} and in_flight.targets == {("99digital", "8")}
    assert list(in_flight.records) == [1]


def test_lookahead_gives_back_what_was_put_back_first() -> None:
    records = [create(1, "a"), create(2, "b")]
    classified: list[str] = []

    def classify(rec: Record) -> Plan:
        classified.append(rec.key or "")
        return Plan("call")

    look = Lookahead(iter(records), classify)
    got = look.next()
    assert got is not None and got[0] is records[0]
    look.put_back(got)
    again = look.next()
    assert again is got and classified == ["a"]  # not classified twice, not read twice
    second = look.next()
    assert second is not None and second[0] is records[1]
    assert look.next() is None


# -- ordering, driven through ApplyRun -----------------------------------------------------------


def test_a_record_referring_to_one_in_flight_waits_for_it() -> None:
    records = [create(1, "a"), create(2, "b"), update(3, "c", "${a.account_id}"), create(4, "d")]
    client = FakeClient()
    done = apply(records, client, max_in_flight=4)
    events = client.events
    assert events.index(("start", "c")) > events.index(("finish", "a"))
    # What was in flight finished first (b too), then the run went on.
    assert events.index(("start", "c")) > events.index(("finish", "b"))
    assert client.sent["c"]["account_id"] == done.by_key()["a"]["result"]["data"]["account_id"]
    assert all(line["ok"] for line in done.lines)
    calls_in_file_order(records, client)


def test_two_records_for_one_account_never_overlap() -> None:
    records = [update(1, "u1", 7), update(2, "u2", 7), update(3, "other", 8), update(4, "u3", 7),
               Record(line=5, key="del", vendor="99digital", operation="delete_account",
                      fields={"accountID": 7, "server": "online"})]
    client = FakeClient()
    done = apply(records, client, max_in_flight=8)
    same_account = {"u1", "u2", "u3", "delete_account 7"}
    for tag in same_account:
        assert not same_account & set(client.pending_at_start[tag]), (tag, client.pending_at_start[tag])
    # They ran in file order: each finished before the next began.
    finished = [e[1] for e in client.events if e[0] == "finish" and e[1] in same_account]
    assert finished == ["u1", "u2", "u3", "delete_account 7"]
    assert [l["key"] for l in done.lines if l["key"] in same_account | {"del"}] == ["u1", "u2", "u3", "del"]
    assert all(l["ok"] for l in done.lines)
    calls_in_file_order(records, client)


def test_input_order_is_kept_behind_a_record_that_must_wait() -> None:
    # c and d could run at once with a, but b must wait for a: nothing overtakes b.
    records = [create(1, "a"), update(2, "b", "${a.account_id}"), create(3, "c"), create(4, "d")]
    client = FakeClient()
    apply(records, client, max_in_flight=8)
    assert client.started() == ["a", "b", "c", "d"]
    assert client.pending_at_start["c"] == ["b"]  # c joined b's stream, after b


def test_a_record_of_another_vendor_waits_for_the_stream_to_drain() -> None:
    records = [create(1, "a"), create(2, "b"), ap_get(3, "g", 5), create(4, "c")]
    client = FakeClient()
    apply(records, client, max_in_flight=8)
    assert client.pending_at_start == {"a": [], "b": ["a"], "get_account 5": [], "c": []}
    assert client.started() == ["a", "b", "get_account 5", "c"]


def test_waits_and_lists_run_alone() -> None:
    records = [create(1, "a"), create(2, "b"), listing(3, "l"), create(4, "c"), wait(5, "w"), create(6, "d")]
    client = FakeClient()
    done = apply(records, client, max_in_flight=8)
    alone = [e for e in client.events if e[0] == "alone"]
    assert alone == [("alone", "list_accounts", 0, 0), ("alone", "wait", 0, 0)]  # nothing pending, no stream open
    events = client.events
    assert events.index(alone[0]) > max(events.index(("finish", "a")), events.index(("finish", "b")))
    assert events.index(("start", "c")) > events.index(alone[0])
    assert events.index(alone[1]) > events.index(("finish", "c"))
    assert events.index(("start", "d")) > events.index(alone[1])
    by_key = done.by_key()
    assert by_key["l"]["result"] == {"count": 1, "items": [{"account_id": 1, "account_name": "listed"}]}
    assert by_key["w"]["result"]["status"] == "active"


def test_one_in_flight_runs_in_file_order() -> None:
    records = [create(1, "a"), create(2, "b"), update(3, "c", "${a.account_id}"), create(4, "d")]
    client = FakeClient()
    done = apply(records, client, max_in_flight=1)
    assert [l["key"] for l in done.lines] == ["a", "b", "c", "d"]
    assert all(not pending for pending in client.pending_at_start.values())


def test_many_in_flight_finish_in_completion_order() -> None:
    records = [create(i, f"k{i}") for i in range(1, 5)]
    done = apply(records, FakeClient(lifo=True), max_in_flight=4)
    assert [l["key"] for l in done.lines] == ["k4", "k3", "k2", "k1"]  # as they finished, each with its line
    assert [l["line"] for l in done.lines] == [4, 3, 2, 1]


def test_local_failures_get_their_line_at_once_while_calls_are_in_flight() -> None:
    records = [create(1, "a"), create(2, "bad", agents=-1), create(3, "c")]
    client = FakeClient()
    done = apply(records, client, max_in_flight=8)
    assert [l["key"] for l in done.lines] == ["bad", "c", "a"]
    assert client.pending_at_start["c"] == ["a"]  # the invalid record did not end the stream
    assert "bad" not in client.sent


def test_a_reference_to_a_failed_record_fails_without_network() -> None:
    records = [create(1, "a"), update(2, "b", "${a.account_id}"), create(3, "c")]
    client = FakeClient(fail={"a"})
    done = apply(records, client)
    b = done.by_key()["b"]
    assert b["ok"] is False and b["error"]["category"] == "reference"
    assert "record 'a' did not succeed" in b["error"]["message"]
    assert "b" not in client.sent and done.tally.failed == 2


def test_a_vendor_without_a_client_fails_each_of_its_records() -> None:
    records = [create(1, "a"), ap_get(2, "g", 5), ap_get(3, "h", 6), create(4, "c")]
    client = FakeClient()

    def clients(vendor: str) -> Any:
        if vendor == "activeplatform":
            raise ak.InvalidArgumentError("activeplatform: base_url is required", vendor="activeplatform")
        return client

    done = apply(records, client, clients=clients)
    by_key = done.by_key()
    assert [by_key[k]["error"]["category"] for k in ("g", "h")] == ["invalid_argument", "invalid_argument"]
    assert client.started() == ["a", "c"]


def test_the_first_interrupt_takes_no_more_records_but_lets_those_in_flight_finish() -> None:
    records = [create(i, f"k{i}") for i in range(1, 9)]
    client = FakeClient()
    done = apply(records, client, max_in_flight=3, stopping=lambda: len(client.started()) >= 3)
    assert done.interrupted
    assert client.started() == ["k1", "k2", "k3"]
    assert sorted(l["key"] for l in done.lines) == ["k1", "k2", "k3"]  # each finished and was written
    assert done.run.unfinished() == []


@pytest.mark.parametrize("max_in_flight", [1, 3, 16])
def test_every_record_gets_one_line(max_in_flight: int) -> None:
    records: list[Record] = []
    for i in range(12):
        records.append(create(len(records) + 1, f"c{i}"))
        if i % 4 == 1:
            records.append(update(len(records) + 1, f"c{i}-up", f"${{c{i}.account_id}}"))
        if i == 6:
            records.append(listing(len(records) + 1, "list"))
    done = apply(records, FakeClient(), max_in_flight=max_in_flight)
    assert sorted(l["line"] for l in done.lines) == list(range(1, len(records) + 1))
    assert done.tally.total == done.tally.ok == len(records)
