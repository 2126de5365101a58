"""What-if: a draft of a ruleset's parameters replayed over history before it takes effect."""
