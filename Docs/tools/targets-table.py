#!/usr/bin/env python3
"""Rewrites the targets table of Docs/architecture.md from `swift package describe` (run from
the repository's root after changing Package.swift); Tests/e2e/test_composition.py checks it."""

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {
    "Logging": "swift-log", "Crypto": "swift-crypto", "ArgumentParser": "swift-argument-parser",
    "AsyncHTTPClient": "async-http-client", "NIOCore": "swift-nio", "NIOPosix": "swift-nio", "NIOHTTP1": "swift-nio",
    "Hummingbird": "hummingbird", "HTTPTypes": "swift-http-types", "ServiceLifecycle": "swift-service-lifecycle",
    "UnixSignals": "swift-service-lifecycle", "Metrics": "swift-metrics", "CoreMetrics": "swift-metrics",
    "Prometheus": "swift-prometheus", "Yams": "Yams",
}
LIBRARIES = {"CZstd": "libzstd", "CSQLite": "libsqlite3"}

description = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=ROOT, capture_output=True,
                                        text=True, check=True).stdout)
targets = {t["name"]: t for t in description["targets"]}
order = [name for name in dict.fromkeys(re.findall(r'name: "([^"]+)"', (ROOT / "Package.swift").read_text())) if name in targets]
rows = ["| Target | Path | Depends on |", "|---|---|---|"]
for name in order:
    target = targets[name]
    kind = f" (system library: {LIBRARIES.get(name, '')})" if target["module_type"] == "SystemLibraryTarget" else \
        " (executable)" if target["type"] == "executable" else ""
    deps = [f"`{d}`" for d in target.get("target_dependencies", [])] + \
        [f"{PACKAGES.get(d, '')} `{d}`".strip() for d in target.get("product_dependencies", [])]
    rows.append(f"| `{name}`{kind} | `{target['path']}` | {', '.join(deps) or '—'} |")
doc = ROOT / "Docs" / "architecture.md"
text = doc.read_text()
start = text.index("| Target | Path | Depends on |")
end = text.index("\n\n", start)
doc.write_text(text[:start] + "\n".join(rows) + text[end:])
