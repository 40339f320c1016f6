"""Measured data: readers (CSV / Parquet / Excel), column mappings and presets, data-quality checks."""

from .dataset import ConstantInput, Dataset, load_dataset

__all__ = ["ConstantInput", "Dataset", "load_dataset"]
