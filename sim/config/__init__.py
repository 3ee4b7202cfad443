"""Scenario configs: the typed schema and its loader."""

from .load import ConfigError, apply_override, config_from_dict, load_config
from .schema import Config

__all__ = ["Config", "ConfigError", "apply_override", "config_from_dict", "load_config"]
