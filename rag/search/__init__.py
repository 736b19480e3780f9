"""Search: keyword and dense retrieval, fused with document metadata."""
