"""National impact of the eight breakthroughs: roll-up, uncertainty, attribution."""
