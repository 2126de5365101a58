"""Friday Law Service Day: requests, pairings, rosters, visits and office hours."""
