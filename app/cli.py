"""The `lawqa` command. Heavy modules are imported inside the subcommand that needs them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.config import Settings
from rag.errors import LawqaError
from rag.types import SEARCH_MODES


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lawqa", description="Chinese legal QA over your documents, with citations.")
    sub = root.add_subparsers(dest="command", required=True)
    index = sub.add_parser("index", help="build the index from documents (default: the seeds)")
    index.add_argument("paths", nargs="*", help="files or directories of .txt/.md documents")
    index.add_argument("--collection", help="name of the knowledge base to build (default: seeds)")
    index.add_argument("--if-stale", action="store_true", help="do nothing when the index is current")
    for name, help_text in (("ask", "answer a question with citations"), ("search", "show ranked passages")):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("question", nargs="?", help="the question; omitted: ask interactively")
        command.add_argument("--top-k", type=int, default=5 if name == "ask" else 10)
        command.add_argument("--mode", choices=SEARCH_MODES)
        command.add_argument("--json", action="store_true", help="print JSON")
        command.add_argument("--collection", dest="collections", action="append",
                             help="search this collection (repeat for several; default: all loaded)")
        if name == "ask":
            command.add_argument("--generate", action="store_true", default=None,
                                 help="rewrite the answer with the configured language model, every sentence verified")
    evaluate = sub.add_parser("eval", help="evaluate retrieval and answers on a question file")
    evaluate.add_argument("questions", help="JSONL file (schema: tests/data/dev.jsonl)")
    evaluate.add_argument("--top-k", type=int, default=10)
    evaluate.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    evaluate.add_argument("--save", help="directory for metrics.json, report.md and results.jsonl")
    evaluate.add_argument("--modes", default="lexical,dense,hybrid", help="comma-separated modes to compare")
    evaluate.add_argument("--collection", dest="collections", action="append",
                          help="collection(s) the questions are about (default: the default collection, seeds)")
    serve = sub.add_parser("serve", help="start the browser chat and HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    sub.add_parser("mcp", help="serve search, answer and articles to an MCP client over stdio")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if getattr(args, "collection", None):
            settings = settings.model_copy(update={"collection": args.collection})
        from app import commands

        handler = getattr(commands, f"run_{args.command}")
        return int(handler(settings, args))
    except LawqaError as exc:
        print(f"lawqa: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("lawqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
