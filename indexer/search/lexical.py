"""Lexical retrieval: BM25 over the same chunks as the dense index, in a file of our own.

Texts are tokenised the same way for the index and the queries: lowercase words of two
or more characters (the hyphen of a "co-" prefix dropped first, so that "co-ordinates" and
"coordinates" are one word: the corpus writes the British "co-ordinate", "co-operate", readers
often do not), English stop words removed (``stopwords.STOPWORDS_EN``, bm25s's longer
list, which has question words such as "what" and "how"), Snowball (Porter 2) stems.

bm25s computes the scores when the index is built; they are saved in ``bm25.npz``
(``to_bytes``/``from_bytes``), a NumPy ``.npz`` archive of four arrays, read with
``allow_pickle=False``:

    header   uint8    UTF-8 JSON: {"format": "kb-bm25", "version": 2, "method": "lucene",
                      "k1": ..., "b": ..., "documents": N, "vocab": [token, ...]}
    data     float32  the BM25 score of each (token, chunk) pair with the token in the chunk
    indices  int32    the chunk of each score
    indptr   int64    the scores of token ``vocab[t]`` are ``data[indptr[t]:indptr[t + 1]]``

(the scores per token in compressed sparse column form, as bm25s computes them). The file's
k1 and b must equal ``BM25_K1`` and ``BM25_B``: an index built with other parameters is
refused (run kb index). The query path reads the file with numpy alone: it never imports
bm25s or scipy.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .stopwords import STOPWORDS_EN

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: the file of the index that holds the BM25 arrays
LEXICAL_FILE = "bm25.npz"
LEXICAL_FORMAT = "kb-bm25"
#: 2: the "co-" hyphen folded before tokenising (a version 1 file has the old vocabulary: run kb index)
LEXICAL_VERSION = 2
#: BM25 parameters (Lucene variant, bm25s's defaults): the one place the index build, `kb search`
#: and the site's search (through its index.json) read them from
BM25_K1 = 1.5
BM25_B = 0.75
_ARRAYS = ("header", "data", "indices", "indptr")


class LexicalFormatError(ValueError):
    """``bm25.npz`` is not a BM25 file of this format (the message says what is wrong)."""


class LexicalVersionError(LexicalFormatError):
    """``bm25.npz`` is a BM25 file of another version (written by another ``kb``)."""

    def __init__(self, found: object) -> None:
        super().__init__(f"version {found}, not {LEXICAL_VERSION}")
        self.found = found


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


_TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")  # bm25s's token pattern
#: the hyphen after a word-initial "co" ("co-ordinate", "co-location"), dropped before tokenising
_CO_HYPHEN_RE = re.compile(r"(?<!\w)co[-\u2010\u2011](?=[^\W\d_])")


def fold(text: str) -> str:
    """Lowercase, with the hyphen of a "co-" prefix dropped ("Co-ordinated" -> "coordinated")."""
    return _CO_HYPHEN_RE.sub("co", text.lower())


def stopwords() -> frozenset[str]:
    """The English stop words the lexical retriever drops (``stopwords.STOPWORDS_EN``)."""
    return STOPWORDS_EN


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed word tokens of each text (the same for chunks and queries).

    The same steps as ``bm25s.tokenize(..., stopwords=STOPWORDS_EN_PLUS, stemmer=...)`` on
    ``fold``-ed texts (lowercase, "co-" joined, bm25s's token pattern, stop words removed,
    Snowball stems), done here so that a query is tokenised without importing bm25s; a test
    checks they agree.
    """
    stop = STOPWORDS_EN
    words = [[w for w in _TOKEN_RE.findall(fold(text)) if w not in stop] for text in texts]
    unique = sorted({w for doc in words for w in doc})
    stems = dict(zip(unique, _stemmer().stemWords(unique), strict=True))
    return [[stems[w] for w in doc] for doc in words]


class LexicalIndex:
    """A BM25 index over chunk texts; ``scores`` gives every chunk's score for a query.

    ``vocab`` maps a token to its column; ``data``/``indices``/``indptr`` hold the precomputed
    per-token scores in CSC form (see the module).
    """

    def __init__(self, vocab: dict[str, int], data: Any, indices: Any, indptr: Any, size: int) -> None:
        self.vocab = vocab
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Score ``texts`` with bm25s (k1 ``BM25_K1``, b ``BM25_B``)."""
        import numpy as np

        if not texts:
            return cls.empty()
        import bm25s

        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        retriever.index(tokenize(texts), show_progress=False)
        scores = retriever.scores
        columns = len(scores["indptr"]) - 1  # bm25s adds "" to its vocabulary, with no column
        return cls(
            {token: n for token, n in retriever.vocab_dict.items() if token and n < columns},
            np.asarray(scores["data"], dtype=np.float32),
            np.asarray(scores["indices"], dtype=np.int32),
            np.asarray(scores["indptr"], dtype=np.int64),
            len(texts),
        )

    @classmethod
    def empty(cls) -> LexicalIndex:
        import numpy as np

        return cls({}, np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), 0)

    def to_bytes(self) -> bytes:
        """The index as ``bm25.npz`` (see the module)."""
        import numpy as np

        tokens = [""] * (len(self.indptr) - 1)
        for token, column in self.vocab.items():
            tokens[column] = token
        header = {
            "format": LEXICAL_FORMAT, "version": LEXICAL_VERSION, "method": "lucene",
            "k1": BM25_K1, "b": BM25_B, "documents": self.size, "vocab": tokens,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            header=np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            data=np.asarray(self.data, dtype=np.float32),
            indices=np.asarray(self.indices, dtype=np.int32),
            indptr=np.asarray(self.indptr, dtype=np.int64),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> LexicalIndex:
        """Read ``bm25.npz`` for ``size`` chunks; ``LexicalFormatError`` says what does not fit."""
        import numpy as np

        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                missing = [name for name in _ARRAYS if name not in archive.files]
                if missing:
                    raise LexicalFormatError(f"no {', '.join(missing)} array")
                arrays = {name: archive[name] for name in _ARRAYS}
            header = json.loads(arrays["header"].tobytes().decode("utf-8"))
        except LexicalFormatError:
            raise
        except (OSError, ValueError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise LexicalFormatError(f"not a .npz archive ({type(exc).__name__})") from None
        if not isinstance(header, dict) or header.get("format") != LEXICAL_FORMAT:
            raise LexicalFormatError("not a kb-bm25 file")
        if header.get("version") != LEXICAL_VERSION:
            raise LexicalVersionError(header.get("version"))
        if (header.get("k1"), header.get("b")) != (BM25_K1, BM25_B):
            raise LexicalFormatError(
                f"built with k1={header.get('k1')}, b={header.get('b')}, not k1={BM25_K1}, b={BM25_B}"
            )
        tokens = header.get("vocab")
        if header.get("documents") != size or not isinstance(tokens, list):
            raise LexicalFormatError(f"made for {header.get('documents')} chunks, not {size}")
        index = cls({t: n for n, t in enumerate(tokens) if t}, arrays["data"], arrays["indices"],
                    arrays["indptr"], size)
        problem = index._inconsistency(len(tokens))
        if problem:
            raise LexicalFormatError(problem)
        return index

    def _inconsistency(self, columns: int) -> str:
        """What makes the arrays inconsistent with each other and with the chunks ("" if nothing)."""
        import numpy as np

        data, indices, indptr = self.data, self.indices, self.indptr
        if (data.dtype, indices.dtype, indptr.dtype) != (np.float32, np.int32, np.int64):
            return "arrays of the wrong type"
        if data.ndim != 1 or indices.shape != data.shape or indptr.shape != (columns + 1,):
            return f"arrays of the wrong shape for {columns} tokens"
        if int(indptr[0]) != 0 or int(indptr[-1]) != len(data) or bool(np.any(np.diff(indptr) < 0)):
            return "indptr out of order"
        if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= self.size):
            return f"chunk numbers outside 0..{self.size - 1}"
        return ""

    def coverage(self, query: str, docs: Sequence[int]) -> float:
        """How much of ``query`` the best of ``docs`` (chunk numbers) holds: the idf of the
        query's stems it contains (each stem once) over the idf of them all, 0..1 (0 with no
        stems or no docs). A stem the corpus lacks weighs as a word in no chunk."""
        import math

        import numpy as np

        stems = list(dict.fromkeys(tokenize([query])[0]))
        if not stems or not docs:
            return 0.0
        wanted = np.asarray(docs, dtype=np.int64)
        holds = np.zeros(self.size, dtype=bool)  # which chunks hold the stem (np.isin sorts both)
        found = [0.0] * len(docs)
        total = 0.0
        for stem in stems:
            column = self.vocab.get(stem)
            start, end = (int(self.indptr[column]), int(self.indptr[column + 1])) if column is not None else (0, 0)
            weight = math.log(1.0 + (self.size - (end - start) + 0.5) / ((end - start) + 0.5))
            total += weight
            if end > start:
                holds[:] = False
                holds[self.indices[start:end]] = True
                for n in np.flatnonzero(holds[wanted]).tolist():
                    found[n] += weight
        return max(found) / total

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
            # a token scores each chunk once, so a plain indexed add is np.add.at's sum, faster
            result[self.indices[start:end]] += self.data[start:end]
        return result
