"""Text helpers shared by every stage: normalisation, numerals, sentences, tokens, offset maps."""
