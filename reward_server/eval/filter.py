"""Rejection sampling: keep the scored samples fit for SFT, as chat records.

DeepSeek-R1's third stage generated many completions per prompt and kept only the
correct ones whose chain of thought was readable: one language, no long paragraphs, no
code blocks.  :func:`filter_records` applies those rules (each one optional) in one pass,
in input order, so the same input always gives the same output.

A record the verifiers could not score (``status`` other than ``ok``) is never kept: its
verdict is unknown, and unknown is not good enough for training data.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..records import ColumnMap, InvalidRecord, count_records, open_writer, read_records
from .samples import group_key

#: What ``--require`` may name.
REQUIREMENTS = ("correct", "format", "language")
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class FilterCriteria:
    """Every rule a kept record meets (``None`` or ``False``: the rule is off)."""

    require: frozenset[str] = frozenset({"correct"})
    min_reward: float | None = None
    max_per_prompt: int | None = None
    no_code_blocks: bool = False
    max_paragraph_chars: int | None = None
    dedupe: bool = False
    correct_threshold: float = 1.0
    language_threshold: float = 0.95
    prompt_key: str | None = None
    style: Literal["chat", "pair"] = "chat"

    def __post_init__(self) -> None:
        unknown = set(self.require) - set(REQUIREMENTS)
        if unknown:
            raise ValueError(
                f"unknown requirement {sorted(unknown)[0]!r}; one of {', '.join(REQUIREMENTS)}"
            )
        if self.max_per_prompt is not None and self.max_per_prompt < 1:
            raise ValueError("max_per_prompt must be at least 1")
        if self.max_paragraph_chars is not None and self.max_paragraph_chars < 1:
            raise ValueError("max_paragraph_chars must be at least 1")


@dataclass
class FilterSummary:
    """What was read, kept and dropped; ``dropped_for`` counts each dropped record once
    (its first failed rule), ``failed`` counts every rule each record failed."""

    read: int = 0
    kept: int = 0
    dropped_for: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    @property
    def dropped(self) -> int:
        return self.read - self.kept

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "kept": self.kept,
            "dropped": self.dropped,
            "dropped_for": dict(self.dropped_for.most_common()),
            "failed": dict(self.failed.most_common()),
        }


def chain_of_thought(completion: str) -> str:
    """The reasoning: inside ``<think>…</think>``, the text before a lone ``</think>``
    (a prefilled ``<think>``), or the whole completion when there is no think block."""
    close = completion.rfind("</think>")
    if close < 0:
        return completion
    opened = completion.find("<think>")
    start = opened + len("<think>") if 0 <= opened < close else 0
    return completion[start:close]


def has_code_block(text: str) -> bool:
    """A fence (```` ``` ```` or ``~~~``) at the start of a line."""
    return ("```" in text or "~~~" in text) and _FENCE.search(text) is not None


def longest_paragraph(text: str) -> int:
    return max((len(p.strip()) for p in _PARAGRAPH_BREAK.split(text)), default=0)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def failures(record: Mapping[str, Any], criteria: FilterCriteria) -> list[str]:
    """Every per-record rule ``record`` fails, in a fixed order (empty: it qualifies)."""
    failed: list[str] = []
    status = record.get("status")
    if status != "ok":
        failed.append(f"status_{status}" if isinstance(status, str) else "unscored")
    scores = record.get("scores")
    scores = scores if isinstance(scores, Mapping) else {}
    accuracy = _number(scores.get("accuracy"))
    if "correct" in criteria.require and (
        accuracy is None or accuracy < criteria.correct_threshold
    ):
        failed.append("not_correct")
    fmt = _number(scores.get("format"))
    if "format" in criteria.require and (fmt is None or fmt < 1.0):
        failed.append("format")
    language = _number(scores.get("language"))
    if "language" in criteria.require and (
        language is None or language < criteria.language_threshold
    ):
        failed.append("language")
    reward = _number(record.get("reward"))
    if criteria.min_reward is not None and (reward is None or reward < criteria.min_reward):
        failed.append("reward_below_min")
    prompt, completion = record.get("prompt"), record.get("completion")
    if not (isinstance(prompt, str) and prompt) and not _is_chat(prompt):
        failed.append("no_prompt")
    if not isinstance(completion, str) or not completion:
        failed.append("no_response")
    elif criteria.no_code_blocks or criteria.max_paragraph_chars is not None:
        cot = chain_of_thought(completion)
        if criteria.no_code_blocks and has_code_block(cot):
            failed.append("code_block")
        limit = criteria.max_paragraph_chars
        if limit is not None and len(cot) > limit and longest_paragraph(cot) > limit:
            failed.append("long_paragraph")
    return failed


def _is_chat(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(m, Mapping) and "role" in m and "content" in m for m in value)
    )


def sft_record(record: Mapping[str, Any], style: str) -> dict[str, Any]:
    """The kept sample as training data: a chat, or a prompt/response pair."""
    prompt, response = record["prompt"], record["completion"]
    if style == "pair":
        out: dict[str, Any] = {"prompt": prompt, "response": response}
    else:
        turns = (
            [{"role": str(m["role"]), "content": str(m["content"])} for m in prompt]
            if isinstance(prompt, list)
            else [{"role": "user", "content": prompt}]
        )
        out = {"messages": [*turns, {"role": "assistant", "content": response}]}
    if record.get("id") is not None:
        out["id"] = str(record["id"])
    return out


def _pair_digest(prompt: Any, completion: str) -> bytes:
    text = prompt if isinstance(prompt, str) else json.dumps(prompt, sort_keys=True)
    head = text.encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(digest_size=16)
    # The prompt's length and kind first, so no prompt/completion split can collide.
    digest.update(len(head).to_bytes(8, "little") + (b"s" if isinstance(prompt, str) else b"j"))
    digest.update(head)
    digest.update(completion.encode("utf-8", "surrogatepass"))
    return digest.digest()


def filter_records(
    records: Iterable[dict[str, Any] | InvalidRecord],
    criteria: FilterCriteria,
    summary: FilterSummary,
    columns: ColumnMap | None = None,
) -> Iterator[dict[str, Any]]:
    """The SFT records of the records that meet every rule, in input order."""
    seen: set[bytes] = set()
    per_prompt: Counter[bytes] = Counter()
    for index, raw in enumerate(records):
        summary.read += 1
        if isinstance(raw, InvalidRecord):
            summary.failed["unreadable"] += 1
            summary.dropped_for["unreadable"] += 1
            continue
        record = columns.view(raw) if columns else raw
        failed = failures(record, criteria)
        if not failed and criteria.dedupe:
            key = _pair_digest(record["prompt"], record["completion"])
            if key in seen:
                failed.append("duplicate")
            else:
                seen.add(key)
        if not failed and criteria.max_per_prompt is not None:
            group = group_key(record, criteria.prompt_key, index)
            if per_prompt[group] >= criteria.max_per_prompt:
                failed.append("over_max_per_prompt")
            else:
                per_prompt[group] += 1
        if failed:
            summary.failed.update(failed)
            summary.dropped_for[failed[0]] += 1
            continue
        summary.kept += 1
        yield sft_record(record, criteria.style)


def filter_file(
    source: Path,
    target: Path,
    criteria: FilterCriteria,
    *,
    columns: ColumnMap | None = None,
    progress: bool = False,
    chunk: int = 4096,
) -> FilterSummary:
    """Filter a scored file (or folder of shards) into a JSONL or Parquet SFT file."""
    from tqdm import tqdm

    summary = FilterSummary()
    total = count_records(source) if progress else None
    kinds = {"id": "string"}
    if criteria.style == "chat":
        kinds["messages"] = "messages"
    bar = tqdm(total=total, unit="rec", file=sys.stderr, disable=not progress, leave=False)
    with bar, open_writer(target, kinds=kinds) as writer:
        batch: list[dict[str, Any]] = []
        read = 0
        for out in filter_records(read_records(source), criteria, summary, columns):
            batch.append(out)
            if len(batch) >= chunk:
                writer.write(batch)
                batch = []
            bar.update(summary.read - read)
            read = summary.read
        writer.write(batch)
        bar.update(summary.read - read)
    return summary
