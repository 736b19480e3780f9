"""The browser chat (Gradio Blocks), an app of its own that the API's FastAPI app mounts at /.

Chat bubbles are plain text (Markdown rendering off), so what the copy button
copies and what a screen reader announces is the text itself, and nothing in a
question or a document can become markup. The sources panel is HTML, so its
text is entity-escaped, braces and dollars included because gr.HTML treats its
value as a template. The page asks nothing of the internet: system fonts only,
no analytics, no run history, no footer links. The theme is always light
(static/lawqa.js): the colours are chosen for it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gradio as gr
from fastapi import FastAPI

from app import ui_texts as t
from app.config import Settings
from app.deps import Runtime
from app.engine import available_collections, require_intact
from app.followup import rewrite
from app.generation import Generation
from app.gradio_guard import GradioGuard
from app.present import passage_items, section_label
from app.ui_admin import mount_tabs
from rag import texts
from rag.errors import LawqaError
from rag.search.asof import as_of_follow_up
from rag.types import SEARCH_MODES, Answer, Citation

Message = dict[str, Any]
_SURROGATE = re.compile("[\ud800-\udfff]")
_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
CSS_PATH = Path(__file__).parent / "static" / "lawqa.css"
JS_PATH = Path(__file__).parent / "static" / "lawqa.js"
UPLOAD_LIMIT_MB = 10  # the chat itself uploads nothing; documents for a knowledge base fit in this


def esc(text: str) -> str:
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def plain(text: str) -> str:
    """Text a browser can be sent: a lone surrogate (from a broken emoji) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def render_reply(answer: Answer, asked: str, searched: str) -> str:
    """The reply as plain text: the answer with its [n] markers, then the titles the markers refer to."""
    lines = [answer.text]
    if searched != asked.strip():
        lines.append(t.UNDERSTOOD_AS.format(question=searched))
    used = [c for c in answer.citations if c.quote] if not answer.abstained else []
    if used:
        lines.append(t.SEE_SOURCES + "；".join(f"[{c.n}] {c.meta.title}" for c in used))
    return plain("\n\n".join(lines))


def render_sources(answer: Answer) -> str:
    if not answer.citations:
        return f'<div class="lq-sources"><p class="lq-empty">{esc(t.NO_PASSAGES)}</p></div>'
    head = t.SOURCES_NEAREST if answer.abstained else t.SOURCES_TITLE
    ordered = sorted(answer.citations, key=lambda c: not c.quote)  # the quoted sources first, numbers kept
    cards = "".join(render_citation(c) for c in ordered)
    return f'<div class="lq-sources"><div class="lq-sources-head">{esc(head)}</div>{cards}</div>'


def render_citation(citation: Citation) -> str:
    chunk, meta = citation.hit.chunk, citation.meta
    details = " · ".join(esc(part) for part in (meta.place, meta.date, meta.status) if part)
    link = f"doc/{quote(chunk.doc_id, safe='')}?start={chunk.start}&amp;end={chunk.end}#cited"
    quoted = " lq-quoted" if citation.quote else ""
    return (f'<article class="lq-card{quoted}" id="lq-cite-{citation.n}">'
            f'<header><span class="lq-n">{citation.n}</span><span class="lq-title">{esc(meta.title)}</span></header>'
            f'<div class="lq-meta">{details}</div>'
            f'<div class="lq-section">{esc(chunk.label or section_label(chunk.section) or t.BODY_TEXT)}</div>'
            f'<p class="lq-passage">{highlight(chunk.text, citation.quote, answer_items(citation))}</p>'
            f'<a class="lq-open" href="{link}" target="_blank" rel="noopener">{esc(t.OPEN_DOCUMENT)} ↗</a>'
            "</article>")


def answer_items(citation: Citation) -> list[tuple[int, int]]:
    """The exact answer items of a citation as offsets into its passage text."""
    return [(left, right) for left, right in passage_items(citation) if left is not None]


def highlight(text: str, quotes: tuple[str, ...], items: Sequence[tuple[int, int]] = ()) -> str:
    """The passage escaped, each quoted sentence in <mark> and the exact answer inside it in <strong>."""
    spans: list[list[int]] = []
    for start, end in sorted((i, i + len(q)) for q in quotes if q and (i := text.find(q)) >= 0):
        if spans and start <= spans[-1][1]:  # touching or overlapping quotes share one mark
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    out, at = [], 0
    for start, end in spans:
        inside = [(max(a, start), min(b, end)) for a, b in sorted(items) if a < end and b > start]
        out.append(f'{esc(text[at:start])}<mark class="lq-quote">{_strong(text, start, end, inside)}</mark>')
        at = end
    return "".join(out) + esc(text[at:])


def _strong(text: str, start: int, end: int, items: list[tuple[int, int]]) -> str:
    out, at = [], start
    for left, right in items:
        if left >= at:
            out.append(f'{esc(text[at:left])}<strong class="lq-answer">{esc(text[left:right])}</strong>')
            at = right
    return "".join(out) + esc(text[at:end])


def empty_sources() -> str:
    return f'<div class="lq-sources"><p class="lq-empty">{esc(t.SOURCES_EMPTY)}</p></div>'


def header() -> str:
    return (f'<div class="lq-header"><div class="lq-logo">⚖</div><div><h1>{esc(t.APP_TITLE)}</h1>'
            f"<p>{esc(t.SUBTITLE)}</p></div></div>")


def understood(question: str, previous: str | None, laws: Collection[str], places: Collection[str]) -> str:
    """What to search for: a follow-up completed from the previous question ("那坦洲呢？",
    "2019年的时候怎么规定？"), else the question itself."""
    return as_of_follow_up(question, previous, laws) or rewrite(question, previous, places)


def make_ask(runtime: Runtime) -> Callable[..., tuple[Any, ...]]:
    """The chat handler: (question, history, previous question, top_k, mode, collections, as_of) -> four outputs."""

    def ask(question: str, history: list[Message], previous: str, top_k: float, mode: str,
            collections: list[str] | None = None, as_of: str = "") -> tuple[Any, ...]:
        if not question or not question.strip():
            return history, "", gr.skip(), previous
        turn: list[Message] = [{"role": "user", "content": plain(question.strip())}]
        try:
            engine = runtime.require()
            require_intact(question)  # before the follow-up rewrite, which could drop the broken part
            searched = understood(question, previous or None, engine.law_names, runtime.places)
            chosen = next((m for m in SEARCH_MODES if m == mode), None)  # the radio's value, checked
            answer = engine.answer(searched, top_k=int(top_k), mode=chosen, collections=collections or None,
                                   as_of=as_of or None)
        except LawqaError as exc:  # the message replaces the last answer's sources: they no longer apply
            return [*history, *turn, {"role": "assistant", "content": plain(str(exc))}], "", empty_sources(), previous
        reply: Message = {"role": "assistant", "content": render_reply(answer, question, searched)}
        return [*history, *turn, reply], "", render_sources(answer), searched

    return ask


def build_ui(runtime: Runtime, settings: Settings, generation: Generation | None = None) -> gr.Blocks:
    demo = gr.Blocks(title=t.APP_TITLE, analytics_enabled=False)
    with demo:
        gr.HTML(header(), elem_id="lq-header-block")
        previous = gr.State("")
        with gr.Row(equal_height=False, elem_id="lq-body"):  # lawqa.css reorders it on phones
            with gr.Column(scale=3, min_width=360, elem_id="lq-main"):
                chatbot = gr.Chatbot(label=t.CHAT_LABEL, show_label=False, height=460, elem_id="lq-chat",
                                     buttons=["copy"], feedback_options=None, latex_delimiters=[],
                                     render_markdown=False, placeholder=esc(t.WELCOME))
                with gr.Row(elem_id="lq-ask-row"):
                    question = gr.Textbox(show_label=False, placeholder=t.QUESTION_PLACEHOLDER, scale=5,
                                          elem_id="lq-question", autofocus=True)
                    ask_button = gr.Button(t.ASK, variant="primary", scale=1, min_width=90, elem_id="lq-ask")
                gr.Markdown(t.EXAMPLES_LABEL, elem_classes="lq-examples-label")
                with gr.Row(elem_id="lq-examples"):
                    examples = [gr.Button(q, size="sm", elem_classes="lq-example") for q in t.EXAMPLES]
                with gr.Accordion(t.SETTINGS, open=False, elem_id="lq-settings"):
                    top_k = gr.Slider(1, 10, value=5, step=1, label=t.TOP_K_LABEL)
                    mode = gr.Radio([(name, key) for key, name in t.MODE_NAMES.items()], value=settings.mode,
                                    label=t.MODE_LABEL)
                    names = settings.collections or available_collections(settings)
                    choices = [(t.COLLECTION_NAMES.get(name, name), name) for name in names]
                    collections = gr.CheckboxGroup(choices, value=names, label=t.COLLECTIONS_LABEL,
                                                   visible=len(names) > 1, elem_id="lq-collections")
                    as_of = gr.Textbox(label=t.AS_OF_LABEL, placeholder=t.AS_OF_PLACEHOLDER, info=t.AS_OF_INFO,
                                       max_lines=1, elem_id="lq-as-of")
                    generate = gr.Checkbox(value=settings.generate, label=texts.GENERATE_SWITCH,
                                           info=texts.GENERATE_SWITCH_INFO, elem_id="lq-generate")
                    clear = gr.Button(t.CLEAR, size="sm")
            with gr.Column(scale=2, min_width=320, elem_id="lq-side"):
                sources = gr.HTML(empty_sources(), elem_id="lq-sources-panel")
        gr.HTML(f'<p class="lq-disclaimer">{esc(texts.DISCLAIMER)}</p>')
        from app.ui_generate import make_ask_stream  # it imports this module

        ask = make_ask_stream(runtime, generation or Generation())
        outputs = [chatbot, question, sources, previous]
        for trigger in (question.submit, ask_button.click):
            trigger(ask, [question, chatbot, previous, top_k, mode, collections, generate, as_of], outputs,
                    api_visibility="private")
        for button in examples:
            button.click(ask, [button, chatbot, previous, top_k, mode, collections, generate, as_of], outputs,
                         api_visibility="private")
        clear.click(lambda: ([], "", empty_sources(), ""), None, outputs, api_visibility="private", queue=False)
        mount_tabs(demo, runtime, settings, chatbot, collections)  # retrieval test, management, 👍/👎
    # Only the answer, which streams, goes through the queue; every other event is a plain request
    # (queue=False). The page shares one event stream among its queued events, and one finishing just as
    # another was sent could close that stream under the second, which then never completed (its timer ran on).
    demo.queue(default_concurrency_limit=4)
    return demo


def page_script() -> str:
    """static/lawqa.js called with the labels it translates (Gradio runs `js` as a function on load)."""
    labels = json.dumps({"labels": t.GRADIO_LABELS, "prefixes": t.GRADIO_PREFIXES}, ensure_ascii=False)
    return f"() => ({JS_PATH.read_text(encoding='utf-8')})({labels})"


def chat_app(runtime: Runtime, settings: Settings, generation: Generation | None) -> FastAPI:
    """The chat as an app of its own, behind its guard, for mounting at / (app.late_chat)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    theme = gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=_FONTS,
                           font_mono=["ui-monospace", "Consolas", "monospace"]).set(
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white")
    demo = build_ui(runtime, settings, generation)
    app.add_middleware(GradioGuard, functions=demo.fns, upload_limit=UPLOAD_LIMIT_MB << 20,
                       admin_token=getattr(settings, "admin_token", None))
    gr.mount_gradio_app(app, demo, path="/", footer_links=[], run_history=False,
                        theme=theme, css_paths=[CSS_PATH], js=page_script(),
                        max_file_size=f"{UPLOAD_LIMIT_MB}mb", ssr_mode=False, mcp_server=False)
    return app
