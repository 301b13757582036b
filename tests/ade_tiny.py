"""A tiny random BERT (2 layers, hidden 32) saved with the packaged tokenizer's files, so
ADE code runs end to end in tests without the real weights' cost."""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

from core.encoders import packaged_encoder_path


def make_tiny_encoder(folder: Path) -> Path:
    from transformers import BertConfig, BertModel

    src = packaged_encoder_path()
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (src / name).is_file():
            shutil.copy(src / name, folder / name)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(cfg).save_pretrained(str(folder))
    return folder
