"""Answer: the sentences that answer a question, checked against what it asks."""
