#!/usr/bin/env bash
# Checks Examples/third-party-adapter end to end: builds the package, runs its tests, then runs
# its composed binary (my-cairn) on agents/assistant.yaml and checks what it prints.
#
#   bash Examples/third-party-adapter/check.sh      # from any folder; exits non-zero on any failure
#
# Idempotent: the sessions, the notebook and .cairn/ state go to a fresh temporary folder that
# is removed at the end; the build goes to the package's own (git-ignored) .build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SWIFT="${SWIFT:-swift}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/third-party-adapter.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
unset CAIRN_STORE CAIRN_SESSION CAIRN_ALLOWED_HOSTS

step() { printf '\n== %s\n' "$*"; }
pass() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# expect_equal WHAT ACTUAL EXPECTED
expect_equal() {
    [[ "$2" == "$3" ]] || fail "$1: expected [$3], got [$2]"
    pass "$1"
}

# expect_contains WHAT TEXT NEEDLE
expect_contains() {
    [[ "$2" == *"$3"* ]] || fail "$1: [$3] not found in:
$2"
    pass "$1"
}

step "build the package and its tests ($HERE)"
"$SWIFT" build --package-path "$HERE" --build-tests

step "run the tests (store and tool conformance, provider, agent file on the notebook store)"
"$SWIFT" test --package-path "$HERE" --skip-build

MY_CAIRN="$HERE/.build/debug/my-cairn"
NOTES="$WORK/notes.json"
STORE="notebook://$NOTES"
AGENT="$HERE/agents/assistant.yaml"
cd "$WORK"   # my-cairn remembers the current session in ./.cairn

step "my-cairn names itself, and its default store is a notebook in ./.cairn"
expect_contains "the usage line names my-cairn" "$("$MY_CAIRN" --help)" "USAGE: my-cairn"
"$MY_CAIRN" start --agent probe >/dev/null 2>&1 || fail "my-cairn start on the default store failed"
[[ -s "$WORK/.cairn/notebook.json" ]] || fail "the default store $WORK/.cairn/notebook.json was not written"
pass "the default store is .cairn/notebook.json"
rm -rf "$WORK/.cairn"

step "my-cairn components lists the package's store, provider and tool"
components="$("$MY_CAIRN" components)"
expect_contains "the notebook:// store is registered" "$components" "notebook://"
expect_contains "the keyword provider is registered" "$components" "keyword"
expect_contains "the word_count tool is registered" "$components" "word_count"

step "my-cairn agent run: the keyword provider calls word_count and answers with its result"
reply="$("$MY_CAIRN" agent run "$AGENT" 'Count the words in "the cat saw the dog"' -b "$STORE" 2>"$WORK/run.err")"
expect_equal "the reply" "$reply" "The word_count tool says: 5 words, 19 characters, 1 line; most frequent: the (2), cat (1), dog (1)."
expect_contains "the tool call is shown on stderr" "$(cat "$WORK/run.err")" '→ word_count {"text":"the cat saw the dog"}'
[[ -s "$NOTES" ]] || fail "the notebook $NOTES was not written"
pass "the notebook file exists"

step "my-cairn agent send, in a new process: the conversation continues from the notebook"
reply="$("$MY_CAIRN" agent send 'And "to be or not to be"? Count them.' 2>/dev/null)"
expect_equal "the second reply" "$reply" "The word_count tool says: 6 words, 18 characters, 1 line; most frequent: be (2), to (2), not (1)."

step "my-cairn log -A shows the transcript, read back from the notebook"
log="$("$MY_CAIRN" log -A)"
expect_contains "the input" "$log" '#1  push  input  "Count the words in \"the cat saw the dog\""'
expect_contains "the first tool step" "$log" "step  tool word_count keyword-1"
expect_contains "the second tool step" "$log" "step  tool word_count keyword-3"
expect_contains "the session waits for the next message" "$log" "#18  pause  {\"event\":\"pause\",\"reason\":\"waiting for signal 'message'"
listing="$("$MY_CAIRN" ls)"
expect_contains "my-cairn ls counts 19 entries" "$listing" "paused    19 entries"

step "mistakes are reported with what the build has"
sed 's/provider: keyword/provider: keywrod/' "$AGENT" > "$WORK/typo.yaml"
if "$MY_CAIRN" agent run "$WORK/typo.yaml" "count this" -b "$STORE" >/dev/null 2>"$WORK/typo.err"; then fail "an unknown provider was accepted"; fi
expect_contains "an unknown provider names the known ones" "$(cat "$WORK/typo.err")" "unknown model provider 'keywrod'; this build has: keyword, scripted"
sed 's/top: 3/tpo: 3/' "$AGENT" > "$WORK/option.yaml"
if "$MY_CAIRN" agent run "$WORK/option.yaml" "count this" -b "$STORE" >/dev/null 2>"$WORK/option.err"; then fail "an unknown tool option was accepted"; fi
expect_contains "an unknown tool option names the known ones" "$(cat "$WORK/option.err")" "tools[0].word_count: unknown key 'tpo'; known: max_characters, top"

if command -v flock >/dev/null; then
    step "a notebook serves one process at a time"
    if flock "$NOTES.lock" "$MY_CAIRN" ls -b "$STORE" >/dev/null 2>"$WORK/lock.err"; then fail "a second process opened a notebook in use"; fi
    expect_contains "the second process is refused" "$(cat "$WORK/lock.err")" "is open in another process"
fi

printf '\nthird-party-adapter: all checks passed\n'
