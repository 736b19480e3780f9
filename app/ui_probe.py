"""The retrieval test tab: a query, the ranked passages, their fused score and its dense/keyword parts."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import quote

import gradio as gr

from app import ui_admin_texts as t
from app.deps import Runtime
from app.present import section_label
from rag.errors import LawqaError
from rag.types import SEARCH_MODES, Hit


def esc(text: str) -> str:
    """Entity-escaped, braces and dollars too: gr.HTML treats its value as a template."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_hits(hits: list[Hit], titles: dict[str, str]) -> str:
    if not hits:
        return f'<p class="lq-empty">{esc(t.PROBE_EMPTY)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in t.PROBE_HEADERS)
    rows = []
    for hit in hits:
        chunk = hit.chunk
        link = f"doc/{quote(chunk.doc_id, safe='')}?start={chunk.start}&amp;end={chunk.end}#cited"
        where = f'<a href="{link}" target="_blank" rel="noopener">{esc(titles.get(chunk.doc_id, chunk.doc_id))}</a>'
        section = esc(chunk.label or section_label(chunk.section))
        rows.append(f'<tr class="lq-probe-row"><td>{hit.rank}</td><td class="lq-fused">{hit.score:.3f}</td>'
                    f'<td class="lq-dense">{_score(hit.dense_score)}</td>'
                    f'<td class="lq-lexical">{_score(hit.lexical_score)}</td>'
                    f"<td>{where}<br><small>{section}</small></td><td>{esc(chunk.text)}</td></tr>")
    return (f'<p class="lq-probe-note">{esc(t.PROBE_NOTE)}</p><table class="lq-probe"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def make_probe(runtime: Runtime) -> Callable[[str, float, str, list[str] | None], str]:
    def probe(query: str, top_k: float, mode: str, collections: list[str] | None) -> str:
        try:
            engine = runtime.require()
            chosen = next((m for m in SEARCH_MODES if m == mode), None)
            loaded = [name for name in collections or () if name in engine.collections] or None
            hits = engine.search(query, top_k=int(top_k), mode=chosen, collections=loaded)
        except LawqaError as exc:
            return f'<p class="lq-empty">{esc(str(exc))}</p>'
        return render_hits(hits, {doc_id: meta.title for doc_id, meta in engine.metas.items()})

    return probe


def probe_tab(runtime: Runtime, collections: gr.CheckboxGroup) -> None:
    from app import ui_texts

    with gr.Tab(t.PROBE_TAB, elem_id="lq-probe-tab"):
        with gr.Row():
            query = gr.Textbox(label=t.PROBE_QUERY, placeholder=t.PROBE_PLACEHOLDER, scale=5, elem_id="lq-probe-query")
            run = gr.Button(t.PROBE_RUN, variant="primary", scale=1, elem_id="lq-probe-run")
        with gr.Row():
            top_k = gr.Slider(1, 30, value=10, step=1, label=t.PROBE_TOP_K)
            mode = gr.Radio([(name, key) for key, name in ui_texts.MODE_NAMES.items()], value="hybrid",
                            label=ui_texts.MODE_LABEL)
        results = gr.HTML(elem_id="lq-probe-results")
        probe = make_probe(runtime)
        for trigger in (query.submit, run.click):
            trigger(probe, [query, top_k, mode, collections], results, api_visibility="private", queue=False)
