"""Import Gradio without two things it does at import time that the chat never uses.

`import gradio` is most of a restarted service's wait for the chat: 2.15 s of CPU on
a 2-core machine, 2026-12-05. Two parts of it serve Gradio's own development and its
MCP server, not lawqa:

- each component class re-reads its source file, parses it and re-renders its
  `.pyi` type stub as the class is created (`create_or_modify_pyi`): 0.85 s;
- `gradio.mcp` imports the `mcp` package (installed for `lawqa mcp`) to define
  its MCP server class, which the chat never starts (`mcp_server=False`): 0.3 s.

Both are skipped only in the thread that imports Gradio and only while it does.
If a Gradio release renames them, nothing breaks: the import takes its full time.

A third part is deferred, not skipped: Gradio imports pandas at module level,
0.5 s of the import, and reads from it only in its table component, which the
chat does not use (the admin page's file list is HTML). pandas is a stand-in
module until something reads from it (`_DeferredModule`): that first read
imports the real pandas, once, under a lock (the standard library's LazyLoader
does the same without one on Python 3.11, so two threads reading first could
see a half-loaded module), and the stand-in forwards to it. In the service
nothing does, so pandas is never loaded.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

STUB_WRITER_MODULE = "gradio.component_meta"
STUB_WRITER = "create_or_modify_pyi"
SKIPPED_PACKAGE = "mcp"
DEFERRED_MODULE = "pandas"


def import_gradio() -> ModuleType:
    """Gradio, imported once per process (the faster way if this is the first import)."""
    if "gradio" in sys.modules:
        return sys.modules["gradio"]
    finder = _QuickGradioFinder(threading.get_ident())
    sys.meta_path.insert(0, finder)
    try:
        import gradio
    finally:
        sys.meta_path.remove(finder)
    return gradio


class _QuickGradioFinder(importlib.abc.MetaPathFinder):
    def __init__(self, thread: int) -> None:
        self._thread = thread

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() != self._thread:
            return None  # another thread's import is none of our business
        if fullname == SKIPPED_PACKAGE or fullname.startswith(SKIPPED_PACKAGE + "."):
            raise ModuleNotFoundError(f"{fullname} is not imported with the chat", name=fullname)
        if fullname == DEFERRED_MODULE:
            # no submodule search path: `import pandas.x` reads __path__ first, which imports the real pandas
            return importlib.util.spec_from_loader(fullname, _Deferring())
        if fullname != STUB_WRITER_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutStubWriter(spec.loader)
        return spec


class _WithoutStubWriter(importlib.abc.Loader):
    """Loads gradio.component_meta as usual, then makes its stub writer do nothing."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        if callable(getattr(module, STUB_WRITER, None)):
            setattr(module, STUB_WRITER, _write_no_stub)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename... as the real loader has them
        return getattr(self._loader, name)


def _write_no_stub(*args: object, **kwargs: object) -> None:
    return None


class _DeferredModule(ModuleType):
    """Stands in for a module until something reads from it, then imports it and forwards every read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._lock = threading.RLock()
        self._real: ModuleType | None = None
        self._imported = False  # until the import system is done with the stand-in, its questions are not a use

    def __getattr__(self, attr: str) -> Any:  # only for what the stand-in itself does not have
        # __path__ is asked by `import pandas.api.types`, which needs the real package
        if not self._imported or (attr.startswith("__") and attr != "__path__"):
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def _load(self) -> ModuleType:
        with self._lock:
            if self._real is None:
                # past the finders, this one included: the module's own files, run once
                spec = importlib.machinery.PathFinder.find_spec(self.__name__)
                if spec is None or spec.loader is None:
                    raise ModuleNotFoundError(f"{self.__name__} is not installed", name=self.__name__)
                real = importlib.util.module_from_spec(spec)
                sys.modules[self.__name__] = real
                try:
                    spec.loader.exec_module(real)
                except BaseException:
                    sys.modules[self.__name__] = self
                    raise
                self._real = real
        return self._real


class _Deferring(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _DeferredModule(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        if isinstance(module, _DeferredModule):
            module._imported = True
