"""Evaluation: questions with gold passages and answers, and the metrics over them."""
