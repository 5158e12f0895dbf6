"""Companies, groups, people and roles, the scoping rule (the wall), the access log and shared helpers: the lowest
layer, which knows nothing of cases or their follow-up."""
