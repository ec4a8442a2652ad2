"""The plugin seams, checked on the package itself: what the minimal composition links, that the
architecture doc's dependency table is Package.swift's, and that no frontend or Core file
switches over a closed list of adapter names."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from conftest import REPO, TIMEOUT, cairn_bin

# Modules the minimal composition must not link.
HEAVY = {"Hummingbird", "NIOHTTP1", "AsyncHTTPClient", "NIOPosix"}


def describe() -> dict:
    out = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=REPO, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    return json.loads(out)


def closure(targets: dict, name: str) -> tuple[set[str], set[str]]:
    """The targets and external products `name` depends on, transitively."""
    seen, products, todo = set(), set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        target = targets[current]
        products.update(target.get("product_dependencies", []))
        todo.extend(target.get("target_dependencies", []))
    return seen, products


def test_the_minimal_composition_links_no_http_stack():
    package = describe()
    targets = {t["name"]: t for t in package["targets"]}
    ours, products = closure(targets, "cairn-embedded")
    assert not (products & HEAVY), f"cairn-embedded depends on {sorted(products & HEAVY)} through {sorted(ours)}"
    # The reference binary does link them (so the check above can fail).
    _, everything = closure(targets, "cairn")
    assert HEAVY - {"NIOPosix"} <= everything
    # And the binary that was built contains no code of those modules.
    binary = Path(cairn_bin()).with_name("cairn-embedded")
    assert binary.exists(), f"{binary} was not built (swift build builds every product)"
    symbols = subprocess.run(["nm", str(binary)], capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout
    for module in HEAVY:
        mangled = f"{len(module)}{module}"
        assert f"$s{mangled}" not in symbols and f"s{mangled}" not in symbols, f"cairn-embedded contains symbols of {module}"
    full = subprocess.run(["nm", cairn_bin()], capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout
    assert "11Hummingbird" in full, "the symbol check would not see Hummingbird in the full binary"


def test_the_architecture_table_matches_package_swift():
    package = describe()
    targets = {t["name"]: t for t in package["targets"]}
    doc = (REPO / "Docs" / "architecture.md").read_text()
    rows = {}
    for line in doc.splitlines():
        match = re.match(r"^\| `([^`]+)`[^|]*\| `([^`]+)` \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = (match.group(2), set(re.findall(r"`([^`]+)`", match.group(3))))
    assert set(rows) == set(targets), f"documented but not in Package.swift: {sorted(set(rows) - set(targets))}; " \
                                      f"in Package.swift but not documented: {sorted(set(targets) - set(rows))}"
    for name, (path, deps) in rows.items():
        target = targets[name]
        assert path == target["path"], f"{name}: documented path {path}, Package.swift has {target['path']}"
        actual = set(target.get("target_dependencies", [])) | set(target.get("product_dependencies", []))
        assert deps == actual, f"{name}: documented {sorted(deps)}, Package.swift has {sorted(actual)}"


def test_no_closed_list_of_adapter_names_outside_their_targets():
    rows = [json.loads(line) for line in subprocess.run([cairn_bin(), "components", "--json"], capture_output=True, text=True,
                                                        timeout=TIMEOUT, check=True).stdout.splitlines()]
    names = {row["name"] for row in rows if row["seam"] != "store"}
    assert {"openai", "anthropic", "scripted", "read_file", "http_get", "command", "rpc", "agent_file",
            "cron", "interval", "webhook", "file_watch", "event"} <= names
    # "event" is also the key of every entry in the wire format (Docs/protocol.md): the other trigger
    # kinds still catch a closed list of them.
    names -= {"event"}
    roots = sorted((t["path"] for t in describe()["targets"]), key=len, reverse=True)

    def target_of(path: Path) -> str:
        relative = str(path.relative_to(REPO))
        return next((root for root in roots if relative.startswith(root + "/")), relative)

    sources = [p for folder in ("Core", "Adapters", "Stores", "Frontends") for p in (REPO / folder).rglob("*.swift")]
    offenders = []
    for name in sorted(names):
        literal = f'"{name}"'
        files = [p for p in sources if literal in p.read_text()]
        owners = {target_of(p) for p in files if re.search(rf'register\(\.\w+, {re.escape(literal)}', p.read_text())}
        assert owners, f"no file registers {name}"
        for path in files:
            if target_of(path) in owners or target_of(path) in ("Frontends/cairn", "Frontends/cairn-embedded"):
                continue
            offenders.append(f"{path.relative_to(REPO)} names {literal}")
    assert not offenders, "adapter names outside their own targets: " + "; ".join(offenders)


def test_components_and_version_are_listed(tmp_path):
    out = subprocess.run([cairn_bin(), "components"], capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout
    assert re.search(r"^model provider\s+openai\s+OpenAI-compatible", out, re.M), out
    assert re.search(r"^store\s+s3://", out, re.M), out
    version = subprocess.run([cairn_bin(), "--version"], capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    embedded = Path(cairn_bin()).with_name("cairn-embedded")
    out = subprocess.run([str(embedded), "components"], capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout
    assert "openai" not in out and "read_file" in out and "sqlite://" in out, out
    # An agent file naming a provider this build lacks is refused with the names it has.
    (tmp_path / "a.yaml").write_text("name: a\nmodel: openai:gpt-4o-mini\n")
    run = subprocess.run([str(embedded), "agent", "run", str(tmp_path / "a.yaml"), "hi", "-b", f"file://{tmp_path}/store"],
                         capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path)
    assert run.returncode != 0
    assert "unknown model provider 'openai'; this build has: scripted" in run.stderr, run.stderr


def test_source_comments_cite_only_documents_in_the_repository():
    missing = []
    for folder in ("Core", "Adapters", "Stores", "Frontends"):
        for path in (REPO / folder).rglob("*.swift"):
            for cited in re.findall(r"[A-Za-z0-9_./-]+\.md\b", path.read_text()):
                if not (REPO / cited).exists() and not (path.parent / cited).exists():
                    missing.append(f"{path.relative_to(REPO)} cites {cited}")
    assert not missing, "; ".join(missing)
