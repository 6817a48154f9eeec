"""Tests of netruimte.market."""
