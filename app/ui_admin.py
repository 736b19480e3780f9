"""The management tab of the browser page, and the hook that adds it, the retrieval test and feedback.

Every change asks for the admin token (LAWQA_ADMIN_TOKEN) typed into the tab;
without one configured the tab only says how to turn management on. Uploads
are checked and kept by the same `KnowledgeBase` as the HTTP API, builds run in
the background, and a timer shows their progress and, once a build is swapped
in, adds the new collection to the chat's collection list.
"""

from __future__ import annotations

import hmac
import html
from pathlib import Path
from typing import Any

import gradio as gr

from app import ui_admin_texts as t
from app.config import Settings
from app.deps import Runtime
from app.kb import KnowledgeBase
from app.ui_feedback import feedback_controls
from app.ui_probe import probe_tab
from rag import texts
from rag.errors import LawqaError
from rag.ingest.formats import SUPPORTED_SUFFIXES


def mount_tabs(demo: gr.Blocks, runtime: Runtime, settings: Settings, chatbot: gr.Chatbot,
               collections: gr.CheckboxGroup) -> None:
    """Called inside `with demo:` after the chat: feedback on answers, then the two tabs."""
    feedback_controls(runtime, chatbot)
    # On the page, not in the management tab: a closed tab's timer never ticks, and the chat's collection
    # list must learn of a new collection with the tab closed too.
    timer = gr.Timer(IDLE_SECONDS) if runtime.kb is not None else None
    with gr.Tabs(elem_id="lq-tabs"):
        probe_tab(runtime, collections)
        if runtime.kb is not None and timer is not None:
            admin_tab(demo, runtime.kb, settings, collections, timer)


# Every open page asks the server this often: each second while a build runs (its progress), and only every
# ten seconds otherwise, so twenty idle tabs make two small requests a second rather than twenty; a
# collection built elsewhere (`lawqa index`, the API) reaches the chat's list within that.
BUSY_SECONDS = 1.0
IDLE_SECONDS = 10.0

_TOKEN_COOKIE = ("(token) => { document.cookie = 'lawqa_admin=' + encodeURIComponent(token || '')"
                 " + '; path=/; SameSite=Strict'; return token; }")


def _authorised(kb: KnowledgeBase, token: str) -> None:
    if not kb.settings.admin_token:
        raise LawqaError(texts.KB_DISABLED)
    if not hmac.compare_digest((token or "").strip().encode(), kb.settings.admin_token.encode()):
        raise LawqaError(texts.KB_BAD_TOKEN)


def _status(kb: KnowledgeBase, name: str | None) -> str:
    if not name:
        return t.NO_COLLECTION
    job = kb.job(name)
    lines = [t.JOB_PROGRESS.format(state=t.JOB_STATES.get(job.state, job.state), stage=job.stage,
                                   done=job.done, total=job.total) if job.state == "running"
             else f"{t.JOB_STATES.get(job.state, job.state)}。{job.message}"]
    if job.skipped:
        lines += [t.SKIPPED_HEAD, *(f"- {m}" for m in job.skipped)]
    return "\n\n".join(lines)


def _table(kb: KnowledgeBase, name: str | None) -> list[list[Any]]:
    if not name or name not in kb.managed():
        return []
    return [[row.file, row.size, row.chunks, row.status] for row in kb.documents(name)]


def _table_html(rows: list[list[Any]]) -> str:
    """The collection's files as an HTML table. Not gr.Dataframe: its every update, the empty first one
    included, imports pandas (0.5 s, which a restarted service would wait for before the chat)."""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in t.TABLE_HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    empty = f'<tr><td colspan="{len(t.TABLE_HEADERS)}" class="lq-admin-none">{t.NO_DOCUMENTS}</td></tr>'
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body or empty}</tbody></table>"
    return f'<div class="lq-file-table">{table}</div>'


def admin_tab(demo: gr.Blocks, kb: KnowledgeBase, settings: Settings, collections: gr.CheckboxGroup,
              timer: gr.Timer) -> None:
    with gr.Tab(t.ADMIN_TAB, elem_id="lq-admin-tab"):
        gr.Markdown(texts.KB_DISABLED, visible=not settings.admin_token, elem_id="lq-admin-off")
        token = gr.Textbox(label=t.TOKEN_LABEL, placeholder=t.TOKEN_PLACEHOLDER, type="password",
                           elem_id="lq-admin-token")
        # File uploads go to /gradio_api/upload before any button is pressed; the upload guard
        # (app/gradio_guard.py) accepts them with the token as the lawqa_admin cookie.
        token.change(None, token, None, js=_TOKEN_COOKIE)
        with gr.Row():
            chosen = gr.Dropdown(kb.managed(), value=next(iter(kb.managed()), None), label=t.COLLECTION_LABEL,
                                 allow_custom_value=False, elem_id="lq-admin-collection", scale=2)
            new_name = gr.Textbox(label=t.NEW_COLLECTION_LABEL, placeholder=t.NEW_COLLECTION_PLACEHOLDER,
                                  elem_id="lq-admin-new", scale=2)
            create = gr.Button(t.CREATE, elem_id="lq-admin-create", scale=1)
        files = gr.File(label=t.FILES_LABEL, file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                        elem_id="lq-admin-files")
        with gr.Row():
            upload = gr.Button(t.UPLOAD, variant="primary", elem_id="lq-admin-upload")
            reindex = gr.Button(t.REINDEX, elem_id="lq-admin-reindex")
            remove_collection = gr.Button(t.DELETE_COLLECTION, variant="stop", elem_id="lq-admin-delete")
        message = gr.Markdown(elem_id="lq-admin-message")
        status = gr.Markdown(elem_id="lq-admin-status")
        table = gr.HTML(_table_html([]), elem_id="lq-admin-table")
        with gr.Row():
            document = gr.Dropdown([], label=t.DOCUMENT_LABEL, elem_id="lq-admin-document", scale=3)
            remove_document = gr.Button(t.DELETE_DOCUMENT, variant="stop", elem_id="lq-admin-remove", scale=1)
        loaded = gr.State(())

        def view(name: str | None) -> tuple[Any, ...]:
            rows = _table(kb, name)
            return _status(kb, name), _table_html(rows), gr.update(choices=[r[0] for r in rows], value=None)

        def guarded(action: Any) -> Any:
            def run(token_value: str, name: str | None, *rest: Any) -> tuple[Any, ...]:
                try:
                    _authorised(kb, token_value)
                    text, name = action(name, *rest)
                except LawqaError as exc:
                    text = t.REFUSED.format(message=exc)
                choices = kb.managed()
                picked = name if name in choices else next(iter(choices), None)
                return (text, gr.update(choices=choices, value=picked), *view(picked))
            return run

        def do_create(name: str | None, wanted: str) -> tuple[str, str | None]:
            kb.create(wanted)
            return t.CREATED.format(name=wanted.strip()), wanted.strip()

        def do_upload(name: str | None, paths: list[str] | None) -> tuple[str, str | None]:
            if not name:
                return t.NO_COLLECTION, name
            if not paths:
                return t.NO_FILES, name
            lines, kept = [], 0
            for path in paths:
                try:
                    lines.append(t.UPLOADED.format(file=kb.upload(name, Path(path).name, Path(path).read_bytes())))
                    kept += 1
                except LawqaError as exc:  # this file is refused with its reason; the others are kept
                    lines.append(t.REFUSED.format(message=exc))
            if kept:
                kb.rebuild(name)
            return "\n\n".join(lines), name

        def do_reindex(name: str | None) -> tuple[str, str | None]:
            if not name:
                return t.NO_COLLECTION, name
            kb.rebuild(name)
            return "", name

        def do_delete(name: str | None) -> tuple[str, str | None]:
            if not name:
                return t.NO_COLLECTION, name
            kb.delete(name)
            return t.DELETED_COLLECTION.format(name=name), None

        def do_remove(name: str | None, file: str | None) -> tuple[str, str | None]:
            if not name or not file:
                return t.NO_COLLECTION, name
            kb.remove(name, file)
            kb.rebuild(name)
            return t.DELETED_DOCUMENT.format(file=file), name

        outputs = [message, chosen, status, table, document]
        actions: list[tuple[gr.Button, Any, list[Any]]] = [
            (create, do_create, [token, chosen, new_name]), (upload, do_upload, [token, chosen, files]),
            (reindex, do_reindex, [token, chosen]), (remove_collection, do_delete, [token, chosen]),
            (remove_document, do_remove, [token, chosen, document])]
        starts = [button.click(guarded(action), inputs, outputs, api_visibility="private", queue=False)
                  for button, action, inputs in actions]
        chosen.change(view, chosen, [status, table, document], api_visibility="private",
                      queue=False)

        def pace(current: float | None) -> Any:
            """The page's update interval: every second while a build runs, otherwise every IDLE_SECONDS."""
            wanted = BUSY_SECONDS if kb.building() else IDLE_SECONDS
            return gr.skip() if current == wanted else wanted

        def tick(name: str | None, known: tuple[str, ...], current: float | None) -> tuple[Any, ...]:
            """Progress of the build; the chat's collection list once the loaded set changes; the pace."""
            engine = kb.runtime.engine
            names = tuple(engine.collections) if engine else ()
            chat = gr.skip() if names == known else gr.update(choices=list(names), value=list(names),
                                                                 visible=len(names) > 1)
            job = kb.job(name) if name else None
            busy = job is not None and (job.state == "running" or job.finished_at > 0)
            rows = _table_html(_table(kb, name)) if busy else gr.skip()
            return (_status(kb, name) if name else gr.skip()), rows, chat, names, pace(current)

        timer.tick(tick, [chosen, loaded, timer], [status, table, collections, loaded, timer],
                   api_visibility="private", show_progress="hidden", queue=False)
        demo.load(tick, [chosen, loaded, timer], [status, table, collections, loaded, timer], api_visibility="private",
                  queue=False)
        for started in starts:  # a build an action starts shows its progress from the next second
            started.then(pace, timer, timer, api_visibility="private", show_progress="hidden", queue=False)
