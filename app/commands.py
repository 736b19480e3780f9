"""The subcommands behind `lawqa`; each returns the process exit code."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from app.config import Settings
from app.present import answer_text, hit_dict, hit_text
from rag.errors import InputError


def run_index(settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.indexer import build, index_is_current
    from embeddings import encoder_name

    paths = [Path(p) for p in args.paths] or [settings.seeds]
    if args.if_stale and index_is_current(settings, paths, encoder_name(settings.encoder)):
        print(f"index at {settings.index_dir()} is current")
        return 0
    started = time.perf_counter()
    bars: dict[str, tqdm[int]] = {}

    def progress(label: str):  # type: ignore[no-untyped-def]
        def update(done: int, total: int) -> None:
            if label not in bars:
                bars[label] = tqdm(total=total, desc=label, unit="item", file=sys.stderr)
            bar = bars[label]
            bar.update(done - bar.n)
        return update

    manifest, corpus = build(settings, paths, load_progress=progress("reading"), embed_progress=progress("embedding"))
    for bar in bars.values():
        bar.close()
    for message in corpus.skipped:
        print(f"lawqa: skipped {message}", file=sys.stderr)
    print(f"indexed {manifest.document_count} documents, {manifest.chunk_count} passages with {manifest.encoder} "
          f"into {settings.index_dir()} in {time.perf_counter() - started:.1f}s")
    return 0


def _questions(args: argparse.Namespace) -> list[str]:
    if args.question is not None:
        return [args.question]
    if not sys.stdin.isatty():
        raise InputError("no question given; usage: lawqa ask \"问题\"")
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

    engine = load_engine(settings)
    generation = load_generation(settings)
    interactive = args.question is None
    while True:
        for question in _questions(args):
            answer = engine.answer(question, top_k=args.top_k, mode=args.mode, collections=args.collections)
            answer, report = generation.apply(engine, answer, args.generate)
            if report is not None and report.note and not args.json:
                print(f"lawqa: {report.note}", file=sys.stderr)
            print(json.dumps(response_dict(answer, report), ensure_ascii=False, indent=2) if args.json
                  else answer_text(answer))
        if not interactive or not sys.stdin.isatty():
            return 0


def run_search(settings: Settings, args: argparse.Namespace) -> int:
    from app.engine import load_engine

    engine = load_engine(settings)
    question = args.question if args.question is not None else " ".join(_questions(args))
    hits = engine.search(question, top_k=args.top_k, mode=args.mode, collections=args.collections)
    if args.json:
        rows = [hit_dict(h, engine.documents[h.chunk.doc_id].meta.title, engine.documents[h.chunk.doc_id].meta.source)
                for h in hits]
        print(json.dumps({"query": question, "hits": rows}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(hit_text(h, engine.documents[h.chunk.doc_id].meta.title) for h in hits))
    return 0


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


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    from app.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def run_mcp(settings: Settings, args: argparse.Namespace) -> int:
    from app.mcp_server import run

    run(settings)
    return 0
