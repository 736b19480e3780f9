"""The composition root: settings, wiring, CLI, HTTP API and browser chat."""
