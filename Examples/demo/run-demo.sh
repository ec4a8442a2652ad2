#!/usr/bin/env bash
# The main job of `make run`: a session driven by an example handler, interrupted by SIGKILL,
# resumed, with nothing lost and nothing repeated. Offline, on the embedded file store.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CAIRN_BUILD_DIR:-$root/.build/debug}"
cairn="$bin/cairn"
worker="$bin/task-worker"
demo="$(mktemp -d /tmp/cairn-demo.XXXXXX)"
tasks=${TASKS:-8}
cd "$demo"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A session on the file store in $demo/store"
session=$("$cairn" start -b "file://$demo/store" --agent squares)
echo "session $session"
for n in $(seq 1 "$tasks"); do
  echo "{\"kind\":\"task\",\"n\":$n}" | "$cairn" push --name "task-$n" >/dev/null
done
echo "pushed $tasks tasks"

say "Run the handler, and kill the runtime with SIGKILL in the middle of the work"
"$cairn" run -- "$worker" 2>&1 &
runner=$!
for _ in $(seq 1 200); do
  done_count=$("$cairn" log --json | grep -c '"kind":"result"' || true)
  [ "$done_count" -ge 3 ] && break
  sleep 0.05
done
sleep 0.15   # land inside the next task
kill -9 "$runner" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
echo "killed the runtime (pid $runner) after $("$cairn" log --json | grep -c '"kind":"result"' || true) results"
"$cairn" log

say "Resume: cairn run --once finishes the remaining tasks"
"$cairn" run --once -- "$worker"

say "The log"
"$cairn" log -A

say "Check: every task has exactly one result, none lost, none repeated"
"$cairn" log --json | python3 -c '
import json, sys
tasks, results = [], []
for line in sys.stdin:
    e = json.loads(line)
    b = e.get("body")
    if isinstance(b, dict) and b.get("kind") == "task": tasks.append(b["n"])
    if isinstance(b, dict) and b.get("kind") == "result":
        assert b["square"] == b["n"] ** 2, e
        results.append(b["n"])
assert sorted(results) == sorted(tasks), f"results {results} for tasks {tasks}"
assert len(results) == len(set(results)), f"repeated results: {results}"
print(f"OK: {len(tasks)} tasks, {len(results)} results, each exactly once")
'
rm -rf "$demo"
