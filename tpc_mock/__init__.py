"""tpc-mock: a local emulator of The Prompting Company (TPC) API."""

__version__ = "0.1.0"
