"""Lexical retrieval: BM25 (bm25s) over the same chunks as the dense index.

Texts are tokenised the same way for the index and the queries: lowercase words of two
or more characters, English stop words removed (bm25s's longer list, which has question
words such as "what" and "how"), Snowball (Porter 2) stems.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BM25_DIR = "bm25"


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed word tokens of each text (the same for chunks and queries)."""
    import bm25s
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    tokens: list[list[str]] = bm25s.tokenize(
        list(texts), stopwords=list(STOPWORDS_EN_PLUS), stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    return tokens


class LexicalIndex:
    """A BM25 index over chunk texts; ``scores`` gives every chunk's score for a query."""

    def __init__(self, retriever: Any, size: int) -> None:
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        if self.size:
            self.retriever.save(str(folder / BM25_DIR), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        if not size:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder / BM25_DIR), show_progress=False), size)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk for ``query`` (zeros when no query word is indexed)."""
        import numpy as np

        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self.retriever.vocab_dict
        tokens = [t for t in tokenize([query])[0] if t in vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        result: npt.NDArray[np.float32] = np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
        return result
