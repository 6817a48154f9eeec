"""The queue: priority order and admission of connection requests."""
