"""What the suites after run.py share (cancel_latency.py, plan_rss.py): their
table goes to standard output and is appended to results.md, their figures
to a JSON file of their own."""

from __future__ import annotations

import json
from typing import Any


def publish(lines: list[str], figures: Any, out_md: str | None, out_json: str | None) -> None:
    text = "\n".join(lines)
    print(text)
    if out_md:
        with open(out_md, "a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")
    if out_json:
        with open(out_json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1)
