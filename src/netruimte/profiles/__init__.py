"""Load and generation shapes per asset class, from weather and the local calendar."""
