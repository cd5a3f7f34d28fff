"""The service catalogue: what a shop offers, who owns it and what it promises partners.

`model` holds the checked values, `loading` reads the TOML file (`replies` its services' saved
replies), `fields` types each value and `lines` finds the line of each key, because the
standard library's TOML parser reports none.
"""

from bot.catalogue.loading import load_catalogue, parse_duration
from bot.catalogue.model import Catalogue, CatalogueError, Service, UrgencyRule
from bot.domain.levels import ServiceLevel

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Service",
    "ServiceLevel",
    "UrgencyRule",
    "load_catalogue",
    "parse_duration",
]
