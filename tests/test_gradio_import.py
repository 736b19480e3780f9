"""The chat's quicker Gradio import (app.gradio_import), in a fresh interpreter: Gradio is usually imported
in this one already."""

from __future__ import annotations

import subprocess
import sys

CHECKS = """
import sys
from app.gradio_import import import_gradio, _write_no_stub

gr = import_gradio()
assert gr.component_meta.create_or_modify_pyi is _write_no_stub, "Gradio still writes its stubs"
assert "mcp" not in sys.modules, "Gradio's import loaded the mcp package"
with gr.Blocks() as demo:
    box = gr.Textbox(label="问题")
    box.submit(lambda text: text, box, box)
assert len(demo.fns) == 1
import mcp.server  # `lawqa mcp` still has its package: only Gradio's import went without it
print("ok")
"""


def test_gradio_imports_without_stub_writing_or_mcp_and_still_builds_a_page() -> None:
    done = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


DEFERRED = """
import sys, threading
from app.gradio_import import import_gradio

gr = import_gradio()
assert "pandas.core.frame" not in sys.modules, "pandas ran during Gradio's import"
import pandas as stand_in
tables = []
threads = [threading.Thread(target=lambda: tables.append(gr.Dataframe(headers=["法律", "条"], value=[["劳动法", 44]])))
           for _ in range(4)]  # four first uses at once: one import, under the lock
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert len(tables) == 4 and all(t.value["data"] == [["劳动法", 44]] for t in tables)
import pandas.api.types  # a submodule needs the real package
assert type(sys.modules["pandas"]).__name__ == "module" and stand_in.DataFrame is sys.modules["pandas"].DataFrame
print("ok")
"""


def test_pandas_runs_at_its_first_use_not_with_gradios_import() -> None:
    done = subprocess.run([sys.executable, "-c", DEFERRED], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
