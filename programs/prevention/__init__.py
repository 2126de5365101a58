"""The seasonal prevention list (時令清單治未病): find the months in which a town's disputes of
one kind rise year after year, and schedule preventive work before each peak."""
