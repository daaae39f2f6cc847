"""A tiny random Qwen2 and a BPE tokenizer trained on a few lines, built entirely offline.

CI has no model hub; this pair lets a real ``GRPOTrainer`` run a couple of steps on a CPU
in seconds.  The think/answer tags are ordinary (non-special) tokens so that they survive
``skip_special_tokens`` when TRL decodes completions, exactly like in real R1 models.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

EOS = "<|endoftext|>"
TAG_TOKENS = ("<think>", "</think>", "<answer>", "</answer>")
DEFAULT_LINES = (
    "<think> two plus two is four </think> <answer> 4 </answer>",
    "<think> seven times six is forty two </think> <answer> 42 </answer>",
    "What is 3 + 5? Let me think step by step. The answer is \\boxed{8}.",
    "A conversation between User and Assistant. The Assistant reasons, then answers.",
)


def train_tokenizer(lines: Iterable[str], vocab_size: int = 512) -> Any:
    """A byte-level BPE tokenizer (``PreTrainedTokenizerFast``) trained on ``lines``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE(unk_token=None))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator([*DEFAULT_LINES, *lines], trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, eos_token=EOS, pad_token=EOS)
    tokenizer.add_tokens(list(TAG_TOKENS))
    return tokenizer


def tiny_random_model(
    lines: Iterable[str] = (),
    *,
    seed: int = 0,
    hidden_size: int = 32,
    num_layers: int = 2,
    vocab_size: int = 512,
) -> tuple[Any, Any]:
    """``(model, tokenizer)``: a randomly initialised 2-layer Qwen2 sized to the tokenizer."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = train_tokenizer(lines, vocab_size)
    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model, tokenizer
