"""GRPO with TRL, rewarded by the reward server: ``python -m trainer_client.train_grpo``.

On a GPU host::

    python -m trainer_client.train_grpo --model Qwen/Qwen2.5-1.5B --dataset data.jsonl \\
        --reward-url http://rm-0:8000,http://rm-1:8000 --use-vllm --bf16 --output-dir out

In CI (no hub, no GPU): ``--tiny-random-model --cpu`` trains a random 2-layer Qwen2 with
an offline BPE tokenizer for a couple of steps against a real server.

Each dataset row needs a question and a gold answer (columns found by name or given with
``--question-column`` / ``--answer-column``); the question is put into the R1 template,
the answer goes to the server's math verifier.  Other columns of the ``/v1/score`` item
(``task``, ``code``, ``target_lang``, ...) pass through when the dataset has them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

R1_SYSTEM_PROMPT = (
    "A conversation between a User and an Assistant. The User asks a question and the "
    "Assistant solves it. The Assistant first works out its reasoning privately and then "
    "gives the User the answer. The reasoning goes inside <think> </think> tags and the "
    "answer inside <answer> </answer> tags, like this: <think> reasoning here </think> "
    "<answer> answer here </answer>."
)

QUESTION_COLUMNS = ("question", "problem", "prompt", "query", "input")
ANSWER_COLUMNS = ("answer", "solution", "final_answer", "ground_truth", "target")


def r1_prompt(question: str, style: str = "plain") -> Any:
    """The R1-Zero prompt: plain text ending in ``Assistant:``, or chat messages for a chat model."""
    if style == "chat":
        return [
            {"role": "system", "content": R1_SYSTEM_PROMPT},
            {"role": "user", "content": question},
        ]
    return f"{R1_SYSTEM_PROMPT}\nUser: {question}\nAssistant:"


def gold_answer(value: Any) -> str:
    """The final answer of a gold solution; GSM8K writes it after ``####``."""
    text = str(value)
    return text.rsplit("####", 1)[1].strip() if "####" in text else text.strip()


def _pick(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str) -> str:
    if wanted:
        if wanted not in columns:
            raise SystemExit(
                f"--{what}-column {wanted!r} is not a column of the dataset ({', '.join(columns)})"
            )
        return wanted
    for name in candidates:
        if name in columns:
            return name
    raise SystemExit(f"no {what} column among {', '.join(columns)}; give --{what}-column")


def load_prompts(
    dataset: str,
    split: str = "train",
    question_column: str | None = None,
    answer_column: str | None = None,
    style: str = "plain",
    limit: int | None = None,
) -> Any:
    """A ``datasets.Dataset`` with ``prompt`` (R1 template) and ``answer`` columns (plus the rest)."""
    from datasets import load_dataset

    if dataset.endswith((".jsonl", ".json")) or Path(dataset).is_file():
        data = load_dataset("json", data_files=dataset, split="train")
    else:
        name, _, config = dataset.partition(":")
        data = load_dataset(name, config or None, split=split)
    if limit:
        data = data.select(range(min(limit, len(data))))
    q = _pick(data.column_names, question_column, QUESTION_COLUMNS, "question")
    a = _pick(data.column_names, answer_column, ANSWER_COLUMNS, "answer")

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        return {"prompt": r1_prompt(row[q], style), "answer": gold_answer(row[a])}

    drop = [c for c in {q, a} if c not in ("prompt", "answer")]
    return data.map(convert, remove_columns=drop)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m trainer_client.train_grpo", description=__doc__.split("\n\n")[0]
    )
    model = p.add_mutually_exclusive_group(required=True)
    model.add_argument("--model", help="model name on the hub or a local path")
    model.add_argument(
        "--tiny-random-model", action="store_true", help="random 2-layer Qwen2, offline (CI)"
    )
    p.add_argument(
        "--dataset", required=True, help="a JSONL file, or a datasets name (name or name:config)"
    )
    p.add_argument("--split", default="train")
    p.add_argument("--question-column")
    p.add_argument("--answer-column")
    p.add_argument("--limit", type=int, help="use only the first N rows")
    p.add_argument(
        "--prompt-style",
        choices=("plain", "chat"),
        default="plain",
        help="plain R1-Zero text, or system+user messages through the model's chat template",
    )
    p.add_argument(
        "--reward-url",
        action="append",
        help="reward server base URL; repeat or comma-separate for several (default $REWARD_SERVER_URL)",
    )
    p.add_argument("--api-key", default=os.environ.get("REWARD_SERVER_API_KEY"))
    p.add_argument(
        "--preset", default="r1-zero", help="weight preset on the server (r1-zero, r1, ...)"
    )
    p.add_argument("--target-lang", help="ISO 639-1 code: adds the language-consistency reward")
    p.add_argument(
        "--answer-tags",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="require the answer inside <answer></answer> (the template asks for it)",
    )
    p.add_argument("--async-reward", action="store_true", help="use TRL's async reward path")
    p.add_argument("--reward-retries", type=int, default=3)
    p.add_argument("--reward-timeout", type=float, default=120.0)
    p.add_argument("--output-dir", default="grpo-output")
    p.add_argument("--num-generations", type=int, default=8)
    p.add_argument("--max-completion-length", type=int, default=512)
    p.add_argument("--learning-rate", type=float, default=1e-6)
    p.add_argument("--per-device-train-batch-size", type=int, default=8)
    p.add_argument("--gradient-accumulation-steps", type=int, default=1)
    p.add_argument("--num-train-epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--beta", type=float, default=0.0, help="KL coefficient")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--logging-steps", type=int, default=1)
    p.add_argument("--save-steps", type=int, default=0, help="0: do not save checkpoints")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--cpu", action="store_true", help="train on the CPU")
    p.add_argument("--use-vllm", action="store_true")
    p.add_argument("--vllm-mode", choices=("colocate", "server"), default="colocate")
    p.add_argument("--vllm-gpu-memory-utilization", type=float, default=0.3)
    p.add_argument("--report-to", default="none")
    return p


def reward_urls(args: argparse.Namespace) -> list[str]:
    given = args.reward_url or [os.environ.get("REWARD_SERVER_URL", "http://127.0.0.1:8000")]
    return [u.strip() for value in given for u in value.split(",") if u.strip()]


def make_reward(args: argparse.Namespace) -> Any:
    from .retry import RetryPolicy
    from .trl import AsyncServerReward, ServerReward

    cls = AsyncServerReward if args.async_reward else ServerReward
    return cls(
        reward_urls(args),
        name="reward_server",
        num_generations=args.num_generations,
        task="math",
        target_lang=args.target_lang,
        format={"answer_tags": args.answer_tags},
        preset=args.preset,
        api_key=args.api_key,
        timeout_s=args.reward_timeout,
        retry=RetryPolicy(retries=args.reward_retries),
    )


def build_trainer(args: argparse.Namespace, callbacks: Sequence[Any] = ()) -> Any:
    """A ready ``GRPOTrainer``; the caller runs ``trainer.train()``."""
    from trl import GRPOConfig, GRPOTrainer

    dataset = load_prompts(
        args.dataset,
        args.split,
        args.question_column,
        args.answer_column,
        args.prompt_style,
        args.limit,
    )
    if args.tiny_random_model:
        from .tiny_model import tiny_random_model

        model, tokenizer = tiny_random_model(
            [str(p) for p in dataset["prompt"][:64]], seed=args.seed
        )
    else:
        from transformers import AutoTokenizer

        model, tokenizer = args.model, AutoTokenizer.from_pretrained(args.model)
    config = GRPOConfig(
        output_dir=args.output_dir,
        num_generations=args.num_generations,
        max_completion_length=args.max_completion_length,
        learning_rate=args.learning_rate,
        per_device_train_batch_size=args.per_device_train_batch_size,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        num_train_epochs=args.num_train_epochs,
        max_steps=args.max_steps,
        beta=args.beta,
        temperature=args.temperature,
        logging_steps=args.logging_steps,
        save_strategy="steps" if args.save_steps else "no",
        save_steps=args.save_steps or 500,
        seed=args.seed,
        bf16=args.bf16,
        use_cpu=args.cpu,
        use_vllm=args.use_vllm,
        vllm_mode=args.vllm_mode,
        vllm_gpu_memory_utilization=args.vllm_gpu_memory_utilization,
        report_to=args.report_to,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    return GRPOTrainer(
        model=model,
        reward_funcs=[make_reward(args)],
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=list(callbacks),
    )


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Train; returns the trainer's log history (one dict per logging step)."""
    args = build_parser().parse_args(argv)
    trainer = build_trainer(args)
    trainer.train()
    if args.save_steps:
        trainer.save_model(args.output_dir)
    return trainer.state.log_history


if __name__ == "__main__":
    main()
