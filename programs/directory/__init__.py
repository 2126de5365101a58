"""The city's directory: towns, enterprises, chambers of commerce, consultants and schools."""
