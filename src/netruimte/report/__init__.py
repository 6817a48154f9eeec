"""The HTML report with figures: self-contained, opens without internet."""
