"""The decision log and rule parameters: every decision that changes data is stored with why.

Programs call `services.decide()` instead of `rules.decide()` when the outcome changes data: it
uses the live parameter version, stores the decision (ruleset and version, parameter version,
facts, the rules that fired with their reasons, who asked, about which record) and returns both.
"""
