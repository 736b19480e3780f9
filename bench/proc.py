"""What Linux says about a process's memory (/proc/<pid>/status), in MiB."""

from __future__ import annotations

from pathlib import Path

MEMORY_FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile")  # resident, peak resident, own memory, mapped files


def memory_mib(pid: int | str, fields: tuple[str, ...] = MEMORY_FIELDS) -> dict[str, float]:
    """`fields` of the process (`"self"` for this one); empty when the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {key: round(int(values[key].split()[0]) / 1024, 1) for key in fields if key in values}
