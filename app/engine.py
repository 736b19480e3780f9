"""Wiring: settings -> indexes on disk -> a ready `Engine` that searches and answers.

A deployment may hold several collections (the seed reports, national laws, a
province's regulations), each its own index directory. A query searches the
chosen ones; their fused scores are on the same [0, 1]-plus-bonus scale, so
hits from several collections merge by score.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.config import Settings
from app.learned import LAW_MODEL_COLLECTION, learned_law_model, learned_policy
from rag import texts
from rag.answer.compose import AnswerOptions, AnswerPolicy, chinese_date, compose_answer
from rag.answer.evidence import EvidenceScorer
from rag.errors import IndexStateError, InputError
from rag.ingest.catalog import place_names
from rag.ingest.chunktable import load_chunk_table
from rag.ingest.statutes import short_title
from rag.ingest.store import Manifest, check_encoder, read_documents, read_manifest, verify_index
from rag.ingest.versions import LawCalendar
from rag.protocols import Encoder, KeywordIndex, Vectors, VectorSearch
from rag.search.asof import AsOf, DatedQuestion, parse_as_of, read_as_of
from rag.search.bigrams import CharBigrams
from rag.search.collections import ReportCues
from rag.search.lawmodel import LawModel
from rag.search.lexical import BM25Index
from rag.search.rerank import FEATURES, StatuteRanker
from rag.search.retriever import FusionWeights, KeywordPart, Retriever, prepare_query
from rag.text.tokenize import Tokenizer
from rag.types import Answer, DocMeta, Document, Hit, SearchMode


class _LockedEncoder:
    """Lets at most `slots` calls into the model at once (1: one at a time); the rest wait their turn."""

    def __init__(self, encoder: Encoder, slots: int = 1) -> None:
        self._encoder = encoder
        self._lock = threading.BoundedSemaphore(slots)
        self.name, self.dim = encoder.name, encoder.dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            return self._encoder.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            return self._encoder.encode_documents(texts)


class _Running:
    """Counts the searches under way: `with running as alone:` tells a search whether it is the only one."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def __enter__(self) -> bool:
        with self._lock:
            self._count += 1
            return self._count == 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._count -= 1


@dataclass(frozen=True)
class Searched:
    hits: list[Hit]
    encode_ms: float  # spent getting the question's vector (about 0 from the query cache or without one)
    as_of: AsOf | None  # the day whose law versions were searched; None: today's law


@dataclass(frozen=True)
class LoadedCollection:
    manifest: Manifest
    retriever: Retriever
    scorer: EvidenceScorer


@dataclass
class Engine:
    settings: Settings
    collections: dict[str, LoadedCollection]
    documents: dict[str, Document]
    encoder: Encoder
    metas: dict[str, DocMeta] = field(default_factory=dict)
    places: frozenset[str] = frozenset()
    law_names: frozenset[str] = frozenset()
    calendar: LawCalendar = field(default_factory=LawCalendar)  # every law version, for questions about a past day
    cues: ReportCues = field(default_factory=lambda: ReportCues(()))
    # Searches run on as many threads of their own as questions are encoded at once (the cores): more would
    # not finish sooner, and each holds score arrays the size of the collection (4 MB each at a million
    # passages). glibc gives each new thread its own heap and keeps what it frees there; run on the web
    # server's 40 threads, searches over a million passages left the server 290 MB larger.
    _searchers: ThreadPoolExecutor = field(init=False, repr=False)
    # The only search under way hands the part that needs no vector (KeywordPart) to this thread while it
    # encodes: the other core is idle then. With more searches under way every core is busy and there is
    # nothing to gain (at 16 clients, throughput and p99 were the same whether searches handed it over or not).
    _keyword_thread: ThreadPoolExecutor = field(init=False, repr=False)
    _running: _Running = field(default_factory=_Running, repr=False)

    @property
    def policy(self) -> AnswerPolicy:
        learned = learned_policy()
        return replace(learned, confidence=self.settings.abstain_threshold, focus=self.settings.focus_threshold)

    def __post_init__(self) -> None:
        self._searchers = ThreadPoolExecutor(self.settings.encoders, thread_name_prefix="search")
        self._keyword_thread = ThreadPoolExecutor(1, thread_name_prefix="keywords")
        self.metas = {doc_id: doc.meta for doc_id, doc in self.documents.items()}
        self.places = frozenset(name for meta in self.metas.values() if meta.kind == "report"
                                for name in place_names(meta.place))
        self.calendar = LawCalendar.of(self.metas)
        self.law_names = frozenset(name for names in self.calendar.names.values() for name in names)
        self.cues = ReportCues(self.places, shared_tokenizer())  # the reports' places and their parents

    @property
    def manifest(self) -> Manifest:
        """The manifest of the default collection (or the first loaded one)."""
        default = self.collections.get(self.settings.collection)
        return default.manifest if default else next(iter(self.collections.values())).manifest

    def dated(self, question: str, as_of: str | None = None) -> DatedQuestion:
        """The day whose law versions answer (`as_of`, else one the question asks for) and what to search.

        The date phrase of "2019年时劳动合同法怎么规定试用期？" is not searched for: it says which text
        to quote, and a year left in the question would ask the answer to mention it.
        """
        require_intact(question, as_of or "")
        dated = read_as_of(question, self.law_names)
        if as_of and as_of.strip():
            return DatedQuestion(parse_as_of(as_of), dated.question, dated.bare)
        return dated

    def search(self, query: str, *, top_k: int = 10, mode: SearchMode | None = None,
               doc_ids: Collection[str] | None = None, collections: Sequence[str] | None = None,
               as_of: str | None = None) -> list[Hit]:
        """`as_of` ("2019-06-01"): each law is searched in the version in force that day, reports as ever."""
        return self.search_later(query, top_k=top_k, mode=mode, doc_ids=doc_ids, collections=collections,
                                 as_of=as_of).result().hits

    def search_later(self, query: str, *, top_k: int = 10, mode: SearchMode | None = None,
                     doc_ids: Collection[str] | None = None, collections: Sequence[str] | None = None,
                     as_of: str | None = None) -> Future[Searched]:
        """`search`, checked here and run on a search thread: for a caller that awaits the result instead of
        blocking a thread of its own on it (the HTTP API, one thread hop less per request)."""
        return self._search(self.dated(query, as_of), query, top_k, mode, doc_ids, collections)

    def _search(self, dated: DatedQuestion, query: str, top_k: int, mode: SearchMode | None,
                doc_ids: Collection[str] | None, collections: Sequence[str] | None) -> Future[Searched]:
        query = dated.question if dated.as_of and dated.question.strip() else query
        chosen = self._validate(query, top_k, doc_ids, collections)
        return self._searchers.submit(self._ranked, query, top_k, mode or self.settings.mode, dated, doc_ids, chosen)

    def _ranked(self, query: str, top_k: int, mode: SearchMode, dated: DatedQuestion,
                doc_ids: Collection[str] | None, chosen: Sequence[str]) -> Searched:
        allowed = self.eligible(dated.as_of, doc_ids)
        query = query.strip()
        with self._running as alone:
            vector, encode_ms, parts = self._encoded(query, mode, chosen, beside=alone)
            bonus = self._collection_bonus(query, chosen)
            hits = [
                replace(hit, score=hit.score + bonus[name])
                for name in chosen
                for hit in self.collections[name].retriever.search(
                    query, top_k=top_k + EXTRA_FOR_VERSIONS, mode=mode, doc_ids=allowed, query_vector=vector,
                    penalise_superseded=dated.as_of is None, keywords=parts[name])
            ]
        hits.sort(key=lambda h: -h.score)
        ranked = [replace(hit, rank=rank) for rank, hit in enumerate(_one_per_article(hits)[:top_k], start=1)]
        return Searched(ranked, encode_ms, dated.as_of)

    def _encoded(self, query: str, mode: SearchMode, chosen: Sequence[str], *,
                 beside: bool) -> tuple[Vectors | None, float, dict[str, KeywordPart]]:
        """The question's vector (None in lexical mode), the milliseconds spent on it, and each collection's
        KeywordPart, computed meanwhile on the keyword thread when `beside`."""
        if mode == "lexical":
            return None, 0.0, self._keyword_parts(query, mode, chosen)
        keywords = self._keyword_thread.submit(self._keyword_parts, query, mode, chosen) if beside else None
        started = time.perf_counter()
        # One encoder serves every collection: encode the question once, not once per collection.
        vector = self.encoder.encode_queries([prepare_query(query)])
        encode_ms = (time.perf_counter() - started) * 1000
        parts = keywords.result() if keywords is not None else self._keyword_parts(query, mode, chosen)
        return vector, encode_ms, parts

    def _keyword_parts(self, query: str, mode: SearchMode, chosen: Sequence[str]) -> dict[str, KeywordPart]:
        return {name: self.collections[name].retriever.keyword_part(query, mode) for name in chosen}

    def eligible(self, as_of: AsOf | None, doc_ids: Collection[str] | None) -> Collection[str] | None:
        """The documents a query may find: with `as_of`, every report and the law versions in force that day."""
        if as_of is None:
            return doc_ids
        return self.calendar.allowed(self.metas if doc_ids is None else doc_ids, as_of.day)

    def _collection_bonus(self, query: str, chosen: Sequence[str]) -> dict[str, float]:
        """With reports and statutes searched together, the kind the question points to gets a bonus:
        the reports when it names a place or a year, the statutes otherwise."""
        kinds = {name: self.collections[name].retriever.kind for name in chosen}
        wanted = "report" if self.cues.named(query) else "statute"
        mixed = len(set(kinds.values())) > 1
        return {name: self.collections[name].retriever.weights.collection if mixed and kind == wanted else 0.0
                for name, kind in kinds.items()}

    def answer(self, question: str, *, top_k: int = 5, mode: SearchMode | None = None,
               doc_ids: Collection[str] | None = None, collections: Sequence[str] | None = None,
               as_of: str | None = None) -> Answer:
        """`as_of` as in `search`; the answer then names the version it quotes ("2019年6月1日时有效的版本")."""
        if not 1 <= top_k <= self.settings.max_top_k:  # the search below asks for max(top_k, 3)
            raise InputError(texts.TOP_K_RANGE.format(low=1, high=self.settings.max_top_k))
        started = time.perf_counter()
        dated = self.dated(question, as_of)
        found = self._search(dated, question, max(top_k, 3), mode, doc_ids, collections).result()
        hits = found.hits
        searched = time.perf_counter()
        asked = dated.question if dated.as_of and dated.question.strip() else question
        result = self.compose(asked.strip(), hits, mode or self.settings.mode, top_k, as_of=dated.as_of)
        timings = {"search": (searched - started) * 1000, "encode": found.encode_ms,
                   "answer": (time.perf_counter() - searched) * 1000}
        return replace(result, question=question.strip(), timings_ms={k: round(v, 2) for k, v in timings.items()})

    def compose(self, question: str, hits: list[Hit], mode: SearchMode, top_k: int = 5,
                policy: AnswerPolicy | None = None, as_of: AsOf | None = None) -> Answer:
        options = AnswerOptions(citations=top_k, as_of=as_of.label if as_of else "")
        result = compose_answer(question, hits, self.metas, self.scorer_for(hits), mode=mode,
                                policy=policy or self.policy, options=options, places=self.places)
        return result if as_of is None else self._dated_answer(result, question, as_of)

    def _dated_answer(self, result: Answer, question: str, as_of: AsOf) -> Answer:
        """The answer for a past day; a law the question names that did not exist then is said to be missing."""
        missing = self.calendar.missing(question, as_of.day)
        if missing is None:
            return replace(result, as_of=as_of.day)
        # A version of unknown start always counts as in force, so the missing law's first version has one.
        text = texts.AS_OF_NO_VERSION.format(when=as_of.label, law=short_title(missing.law),
                                             since=chinese_date(missing.start))
        return replace(result, text=text, abstained=True, as_of=as_of.day,
                       citations=tuple(replace(c, quote=(), spans=()) for c in result.citations))

    def scorer_for(self, hits: list[Hit]) -> EvidenceScorer:
        """The evidence scorer (with its IDF) of the collection the best hit comes from."""
        name = hits[0].chunk.collection if hits else next(iter(self.collections))
        return self.collections.get(name, next(iter(self.collections.values()))).scorer

    def _validate(self, query: str, top_k: int, doc_ids: Collection[str] | None,
                  collections: Sequence[str] | None) -> list[str]:
        require_intact(query, *(doc_ids or ()), *(collections or ()))
        if not query or not query.strip():
            raise InputError(texts.EMPTY_QUESTION)
        if len(query) > self.settings.max_question_chars:
            raise InputError(texts.QUESTION_TOO_LONG.format(length=len(query), limit=self.settings.max_question_chars))
        if not 1 <= top_k <= self.settings.max_top_k:
            raise InputError(texts.TOP_K_RANGE.format(low=1, high=self.settings.max_top_k))
        unknown = sorted(set(doc_ids or ()) - self.documents.keys())
        if unknown:
            raise InputError(texts.UNKNOWN_DOCUMENT.format(doc_ids="、".join(unknown)))
        chosen = list(collections or self.collections)
        missing = [name for name in chosen if name not in self.collections]
        if missing:
            known = "、".join(self.collections)
            raise InputError(texts.UNKNOWN_COLLECTION.format(names="、".join(missing), known=known))
        return chosen


def require_intact(*values: str) -> None:
    """Reject text with a lone surrogate (JSON "\\ud83d", undecodable argv bytes), which nothing can
    encode, or U+FFFD, which a browser sends in its place: either way the question lost characters."""
    if any(0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufffd" for value in values for ch in value):
        raise InputError(texts.BROKEN_CHARACTERS)


def with_collection(engine: Engine, name: str, loaded: LoadedCollection | None,
                    documents: Sequence[Document] = ()) -> Engine:
    """A new engine with collection `name` replaced by `loaded` (None: removed); `engine` is unchanged."""
    collections = {key: value for key, value in engine.collections.items() if key != name}
    if loaded is not None:
        collections[name] = loaded
    if not collections:
        raise IndexStateError(texts.INDEX_NOT_READY)
    kept = {doc_id: doc for doc_id, doc in engine.documents.items() if doc.collection != name}
    kept.update((doc.doc_id, doc) for doc in documents)
    return Engine(engine.settings, collections, kept, engine.encoder)


EXTRA_FOR_VERSIONS = 5  # hits fetched beyond top_k, so that merging versions still fills top_k


def _one_per_article(hits: list[Hit]) -> list[Hit]:
    """An article whose text is the same in several versions of a law is shown once: the best-ranked one,
    which is the version in force (older versions are ranked down by the retriever)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for hit in hits:
        key = (hit.chunk.label, hit.chunk.text)
        if hit.chunk.label and key in seen:
            continue
        seen.add(key)
        kept.append(hit)
    return kept


def available_collections(settings: Settings) -> list[str]:
    """Collections with a finished index, the default one first."""
    names = sorted(p.name for p in settings.index_root.glob("*") if (p / "manifest.json").exists())
    return sorted(names, key=lambda n: n != settings.collection)


@functools.cache
def shared_tokenizer() -> Tokenizer:
    """One jieba dictionary per process (loading one takes about a second), shared by every collection."""
    tokenizer = Tokenizer()
    tokenizer.tokens("预热")  # load the dictionary now, not on the first request
    return tokenizer


def load_collection(settings: Settings, name: str, encoder: Encoder) -> tuple[LoadedCollection, list[Document]]:
    from app.milvus_backend import require_backend
    from embeddings import load_faiss_store
    from embeddings.faiss_store import AnnPlan

    directory = settings.index_dir(name)
    manifest = read_manifest(directory)
    check_encoder(manifest, directory, encoder.name, encoder.dim)
    verify_index(directory, manifest)
    documents = read_documents(directory, manifest.document_count)
    vectors: VectorSearch
    lexical: KeywordIndex
    if settings.backend == "milvus":
        from app.milvus_backend import open_milvus_parts

        vectors, lexical = open_milvus_parts(settings, directory)
    else:
        require_backend(settings, directory)
        plan = AnnPlan(settings.ann_min_chunks, settings.ann_nprobe)
        vectors, lexical = load_faiss_store(directory, encoder.dim, plan), BM25Index.load(directory)
    tokenizer = shared_tokenizer()
    retriever = Retriever(
        load_chunk_table(directory, manifest.chunk_count), {d.doc_id: d.meta for d in documents}, encoder=encoder,
        vectors=vectors, lexical=lexical, tokenizer=tokenizer,
        weights=FusionWeights(dense=settings.dense_weight),
    )
    if name == LAW_MODEL_COLLECTION and settings.law_model:
        retriever.learn(statute_ranker(retriever, encoder.name, directory))
    # With the statute model, an everyday word counts as found where the article uses its legal term (周末 ->
    # 休息日), as search expands it; the reports are written in everyday words already.
    everyday_words = retriever.ranker.model.everyday_words if retriever.ranker else None
    scorer = EvidenceScorer(tokenizer, lexical.idf_of, everyday_words)
    return LoadedCollection(manifest, retriever, scorer), documents


def statute_ranker(retriever: Retriever, encoder_name: str, directory: Path) -> StatuteRanker | None:
    """The shipped statute model over this collection; None when absent, learned for another encoder or
    over other features (then the collection is searched by plain fusion)."""
    model = learned_law_model()
    if model is None or model.encoder != encoder_name or model.ranker.names != FEATURES:
        return None
    return ranker_over(model, retriever, collection_bigrams(retriever, directory))


def ranker_over(model: LawModel, retriever: Retriever, bigrams: CharBigrams) -> StatuteRanker:
    """`model` over the retriever's chunks, vectors and keyword index: as served, and as `lawqa learn` trains."""
    return StatuteRanker(model, retriever.chunks, retriever.metas, vectors=retriever.vectors,
                         lexical=retriever.lexical, matcher=retriever.matcher,
                         tokenizer=retriever.tokenizer, bigrams=bigrams)


def collection_bigrams(retriever: Retriever, directory: Path) -> CharBigrams:
    """The phrase index `lawqa index` wrote beside the collection, or (an index built before it had one)
    the same built now from the articles, a tenth of a second per 25,000."""
    if CharBigrams.exists(directory):
        return CharBigrams.load(directory, len(retriever.chunks))
    return CharBigrams.build([chunk.text for chunk in retriever.chunks])


def configured_encoder(settings: Settings) -> Encoder:
    """The encoder the settings name, with their threads and runtime: what the service and `lawqa index` use."""
    from embeddings import load_encoder

    return load_encoder(settings.encoder, num_threads=settings.threads, query_threads=settings.query_threads,
                        runtime=settings.e5_runtime, cache_dir=settings.cache_dir)


def load_engine(settings: Settings, encoder: Encoder | None = None) -> Engine:
    """Load the collections named in settings (default: every built one)."""
    from embeddings.querycache import CachedQueryEncoder

    names = settings.collections or available_collections(settings) or [settings.collection]
    model = encoder or configured_encoder(settings)
    locked: Encoder = _LockedEncoder(model, settings.encoders)
    if settings.query_cache:  # a cached question does not wait for the model
        locked = CachedQueryEncoder(locked, settings.query_cache)
    collections: dict[str, LoadedCollection] = {}
    documents: dict[str, Document] = {}
    for name in names:
        collections[name], docs = load_collection(settings, name, locked)
        documents.update((d.doc_id, d) for d in docs)
    if not collections:
        raise IndexStateError(f"{settings.index_root} 下没有索引，请先运行 lawqa index")
    return Engine(settings, collections, documents, locked)
