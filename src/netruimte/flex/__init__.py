"""Flex expectation: annual statistics, and forecasts (forecast/: monthly, day-ahead)."""
