"""Phenotype-driven ranking of diseases and genes."""
