"""Measured data: readers (CSV / Parquet / Excel), column mappings and presets, data-quality checks."""

from .dataset import Dataset, load_dataset

__all__ = ["Dataset", "load_dataset"]
