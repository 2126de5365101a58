"""Tests of rules/: decisions, facts, parameters, the engine's failure modes."""
