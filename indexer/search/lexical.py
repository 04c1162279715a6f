"""Lexical retrieval: BM25 (bm25s) over the same chunks as the dense index.

Texts are tokenised the same way for the index and the queries: lowercase words of two
or more characters, English stop words removed (bm25s's longer list, which has question
words such as "what" and "how"), Snowball (Porter 2) stems.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BM25_DIR = "bm25"
#: BM25 parameters (Lucene variant, bm25s's defaults): the one place the index build, `kb search`
#: and the site's search (through its index.json) read them from
BM25_K1 = 1.5
BM25_B = 0.75


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


_TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")  # bm25s's token pattern


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """bm25s's longer English stop-word list, read without importing bm25s (which pulls in scipy)."""
    spec = importlib.util.find_spec("bm25s")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise ImportError("bm25s is not installed")
    module_spec = importlib.util.spec_from_file_location("_kb_bm25s_stopwords", Path(folders[0]) / "stopwords.py")
    if module_spec is None or module_spec.loader is None:
        raise ImportError("bm25s/stopwords.py not found")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.STOPWORDS_EN_PLUS)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed word tokens of each text (the same for chunks and queries).

    The same steps as ``bm25s.tokenize(..., stopwords=STOPWORDS_EN_PLUS, stemmer=...)``
    (lowercase, bm25s's token pattern, stop words removed, Snowball stems), done here so
    that a query is tokenised without importing bm25s; a test checks they agree.
    """
    stop = stopwords()
    words = [[w for w in _TOKEN_RE.findall(text.lower()) if w not in stop] for text in texts]
    unique = sorted({w for doc in words for w in doc})
    stems = dict(zip(unique, _stemmer().stemWords(unique), strict=True))
    return [[stems[w] for w in doc] for doc in words]


class LexicalIndex:
    """A BM25 index over chunk texts; ``scores`` gives every chunk's score for a query.

    Built and saved with bm25s; loaded from bm25s's saved arrays with numpy alone (the
    precomputed per-token scores in CSC form), so the query path never imports bm25s or scipy.
    """

    def __init__(self, vocab: dict[str, int], data: Any, indices: Any, indptr: Any, size: int) -> None:
        self.vocab = vocab
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.size = size
        self._retriever: Any = None

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
            scores = retriever.scores
            index = cls(dict(retriever.vocab_dict), scores["data"], scores["indices"], scores["indptr"], len(texts))
        else:
            index = cls({}, None, None, None, 0)
        index._retriever = retriever
        return index

    def save(self, folder: Path) -> None:
        if self.size:
            self._retriever.save(str(folder / BM25_DIR), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import numpy as np

        if not size:
            return cls({}, None, None, None, 0)
        base = folder / BM25_DIR
        vocab = json.loads((base / "vocab.index.json").read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(base / f"{name}.csc.index.npy") for name in ("data", "indices", "indptr"))
        return cls(vocab, data, indices, indptr, size)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk for ``query`` (zeros when no query word is indexed)."""
        import numpy as np

        result: npt.NDArray[np.float32] = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return result
        for token in tokenize([query])[0]:
            token_id = self.vocab.get(token)
            if token_id is None:
                continue
            start, end = int(self.indptr[token_id]), int(self.indptr[token_id + 1])
            np.add.at(result, self.indices[start:end], self.data[start:end])
        return result
