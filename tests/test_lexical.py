from pathlib import Path

import numpy as np

from rag.search.lexical import BM25Index
from rag.text.tokenize import Tokenizer


def test_bm25_ranks_the_document_with_the_rare_term_first(tmp_path: Path) -> None:
    docs = [["行政", "复议"], ["行政", "诉讼", "诉讼"], ["法律", "援助"]]
    index = BM25Index.build(docs)
    scores = index.scores(["诉讼", "行政"])
    assert int(np.argmax(scores)) == 1 and scores[2] == 0
    index.save(tmp_path)
    again = BM25Index.load(tmp_path)
    assert np.allclose(again.scores(["诉讼", "行政"]), scores)


def test_tokenizer_folds_traditional_and_keeps_article_numbers_whole() -> None:
    tokens = Tokenizer().tokens("民法典第54條規定了什麼？")
    assert "民法典" in tokens and "第五十四条" in tokens and "规定" in tokens
    assert "什么" not in tokens and "？" not in tokens
