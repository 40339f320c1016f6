"""The forum's actions file, as the deck reads it: parsed and checked in `contract.actions`, where
`validate` checks it too (so a bad actions file is found before the forum, not while drawing the deck)."""

from ...contract.actions import FINISHED, Action, load_actions

__all__ = ["FINISHED", "Action", "load_actions"]
