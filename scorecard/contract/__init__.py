"""Contracts: the YAML language, its JSON Schema, validation and the typed model."""

from .model import (Calendar, Contract, Governance, Incentives, KpiSpec, Role, Scoring,
                    ServiceCredits)

__all__ = ["Calendar", "Contract", "Governance", "Incentives", "KpiSpec", "Role", "Scoring",
           "ServiceCredits"]
