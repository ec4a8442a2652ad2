"""Regenerates Tests/TriggerFilterTests/Resources/differential_corpus.json (run from anywhere).

Needs promptise 1.10.1 installed (pip install --no-deps promptise==1.10.1): the third batch asks it
for exact values to pin. extra.json and batch4.txt beside this script hold the probe expressions.
"""
import os
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Resources", "differential_corpus.json")
import json
pr = {
  "action": "opened", "number": 42,
  "pull_request": {"title": "Fix bug in parser", "state": "open", "draft": False, "merged": False, "body": None,
    "user": {"login": "octocat", "id": 583231, "type": "User"},
    "labels": [{"name": "bug", "color": "f00"}, {"name": "urgent", "color": "0f0"}],
    "additions": 120, "deletions": 3, "changed_files": 7,
    "head": {"ref": "feature/parser", "sha": "abc123"}, "base": {"ref": "main"}},
  "repository": {"full_name": "octo/repo", "private": False, "stargazers_count": 1500, "topics": ["swift", "ci"]},
  "sender": {"login": "octocat", "type": "User"},
  "labels": ["bug", "enhancement"], "count": 3, "ratio": 0.75,
}
push = {
  "ref": "refs/heads/main", "before": "0000000", "after": "def4567", "forced": False, "size": 2,
  "commits": [
    {"id": "c1", "message": "WIP: parser rewrite", "author": {"name": "Zoë", "email": "zoe@example.com"}, "added": ["a.py"], "modified": []},
    {"id": "c2", "message": "Fix tests [skip ci]", "author": {"name": "bot[bot]"}, "added": [], "modified": ["b.py", "c.py"]}],
  "head_commit": {"id": "c2", "message": "Fix tests [skip ci]"},
  "pusher": {"name": "bot[bot]"}, "repository": {"full_name": "octo/repo", "private": True},
  "labels": [], "count": 0, "action": None,
}
uni = {
  "action": "closed", "title": "ΑΣ Straße İstanbul café", "emoji": "😀 ok", "combining": "e\u0301", "precomposed": "\u00e9",
  "empty": "", "spaces": "  padded \t", "nested": {"a": {"b": {"c": [1, 2, {"d": "deep"}]}}},
  "list": [3, 1, 2], "mixed": [1, "a", None, True, 2.5], "flag": True, "none": None, "neg": -3, "ratio": 2.5,
  "numstr": " 42 ", "floatstr": "1_000.5", "arabic": "\u0663\u0664", "count": 256, "n257": 257, "labels": ["Bug", "BUG"],
  "quote": "it's \"quoted\"", "ctrl": "a\u0007b\u2028c", "tiny": 1e-07, "huge": 1e+22, "sigma": "ΌΣΟΣ",
}
events = [
  {"payload": pr, "metadata": {"source": "github", "delivery": "d-1"}, "trigger_type": "webhook", "trigger_id": "gh", "event_id": "e1"},
  {"payload": push, "metadata": {}, "trigger_type": "webhook", "trigger_id": "gh", "event_id": "e"},
  {"payload": uni, "metadata": {"lang": "ελληνικά", "a": "a"}, "trigger_type": "event", "trigger_id": "t", "event_id": "a"},
  {"payload": None, "metadata": {"schedule": "*/5 * * * *"}, "trigger_type": "cron", "trigger_id": "nightly", "event_id": "e4"},
  {"payload": [1, "two", {"three": 3}], "metadata": {}, "trigger_type": "webhook", "trigger_id": "", "event_id": ""},
  {"payload": "plain text body", "metadata": {"path": "/hook"}, "trigger_type": "webhook", "trigger_id": "w", "event_id": "e6"},
]
expressions = r'''
action == 'opened'
payload['action'] == "opened"
payload.action == 'opened' and 'bug' in labels
action in ['opened', 'reopened', 'synchronize']
action in ('opened',)
action in {'opened', 'closed'}
action not in ['closed']
action != 'opened'
pull_request.state == 'open' and not pull_request.draft
payload.pull_request.user.login == 'octocat'
payload['pull_request']['labels'][0]['name'] == 'bug'
payload.pull_request.labels[-1].name == 'urgent'
payload.pull_request.labels[5].name
payload.pull_request.labels[-3]
len(payload.pull_request.labels) >= 2
len(labels) == 2
len(labels) > 0 and labels[0] == 'bug'
pull_request.additions + pull_request.deletions > 100
pull_request.additions > 100 or pull_request.deletions > 100
100 < pull_request.additions < 1000
0 <= ratio <= 1
ratio > 0.5
count >= 3
count == 3.0
count is 3
count is not None
missing is None
missing == None
missing.deeper.still is None
payload.missing
not missing
payload is None
payload == None
payload
not payload
metadata['source'] == 'github'
metadata.source == 'github'
metadata.get('source')
metadata.missing is None
'source' in metadata
len(metadata) == 2
trigger_type == 'webhook'
trigger_id == 'gh' and event_id.startswith('e')
event_id == 'e1'
trigger_type in ('webhook', 'cron')
ref == 'refs/heads/main'
ref.startswith('refs/heads/')
startswith(ref, 'refs/tags/')
endswith(ref, 'main')
ref.endswith(('main', 'master'))
ref.startswith(('x', 1))
ref.startswith('heads', 5)
ref.startswith('refs', 0, 3)
ref.endswith('mai', 0, -1)
'[skip ci]' in head_commit.message
'[skip ci]' not in head_commit.message
contains(head_commit.message, 'skip')
contains(labels, 'bug')
contains(count, 1)
lower(head_commit.message).startswith('fix')
head_commit.message.lower().startswith('fix')
upper(pusher.name) == 'BOT[BOT]'
pusher.name.endswith('[bot]')
commits[0].author.name == 'Zoë'
commits[0].message.startswith('WIP')
len(commits) > 1 and commits[1].modified[0] == 'b.py'
commits[1].modified == ['b.py', 'c.py']
commits[1].added == []
forced is False
forced == False
not forced and size > 1
repository.private
repository.private is True
repository['full_name'] == 'octo/repo'
'swift' in repository.topics
repository.stargazers_count > 1000
title.lower() == 'ας strasse i̇stanbul café'
lower(title) == 'ας straße i̇stanbul café'
upper(title) == 'ΑΣ STRASSE İSTANBUL CAFÉ'
title.upper()
lower(sigma) == 'όσος'
len(title)
len(title) == 23
len(emoji) == 4
emoji.startswith('😀')
emoji[0] == '😀'
'😀' > '\uffff'
len(combining) == 2
combining == precomposed
combining.startswith('e')
empty == ''
not empty
empty is ''
len(empty) == 0
spaces.strip() == 'padded'
spaces.strip(' ') == 'padded \t'
spaces.strip(None) == 'padded'
spaces.strip(1)
nested.a.b.c[2].d == 'deep'
nested['a']['b']['c'][0] == 1
nested.a.b.c[True] == 2
nested.a.b.c[1.0]
nested.a.x.y
nested.a.b.c == [1, 2, {'d': 'deep'}]
list == [3, 1, 2]
list < [3, 2]
list > [3, 1]
list == (3, 1, 2)
mixed < [1, 'a', 1]
mixed[3] == 1
mixed[4] == 2.5
True in mixed
None in mixed
2.5 in mixed
'a' in mixed
[1] in mixed
flag and 1
flag is True
flag == 1
neg < 0
-neg == 3
-neg > 2
--neg == -3
-flag == -1
-title
ratio == 2.5
str(ratio) == '2.5'
str(count) == '256'
str(neg) == '-3'
str(flag) == 'True'
str(none) == 'None'
str(list) == '[3, 1, 2]'
str(mixed) == "[1, 'a', None, True, 2.5]"
str(quote) == quote
str([quote]) == '[\'it\\\'s "quoted"\']'
str([ctrl]) == "['a\\x07b\\u2028c']"
str(tiny) == '1e-07'
str(huge) == '1e+22'
str(nested) == "{'a': {'b': {'c': [1, 2, {'d': 'deep'}]}}}"
str((1,)) == '(1,)'
str() == ''
str(1, 2)
count is 256
n257 is 257
'a' is metadata.a
metadata.a is metadata['a']
nested.a is nested['a']
action is 'closed'
int(numstr) == 42
int(floatstr)
float(floatstr) == 1000.5
int(arabic) == 34
int(ratio) == 2
int(neg) == -3
int(flag) == 1
int(none)
int()
int('12', 10)
float('nan') == float('nan')
float('nan') != float('nan')
float('inf') > 1e308
float(' -1.5e3 ') == -1500
float('0x10')
int('1' * 3)
int('1111111111111111111111111111111111111111111111111111111111111111111')
bool(empty) or bool(list)
bool()
bool(1, 2)
len()
len(5)
len(none)
len(payload) > 0
len(payload)
payload[0] == 1
payload[1] == 'two'
payload[2].three == 3
payload[-1]['three'] == 3
'two' in payload
payload.startswith('plain')
'text' in payload
payload[0] == 'p'
payload == 'plain text body'
len(payload) == 15
payload.upper() == 'PLAIN TEXT BODY'
count > 'a'
count > 'a' or True
True or count > 'a'
False and count > 'a'
count < 3 < 'x'
count > 3000 < 'x'
none < 1
none <= none
labels < 'x'
{1} < {1, 2}
{1, 2} >= {2}
{1} < [1]
(1, 2) < (1, 3)
(1, 'a') < (1, 2)
[1, 'a'] < [2, 'b']
payload.nested < payload.nested
1 == True == 1.0
1 is True
True is True
None is None
() is ()
[] == []
[] is []
(action or 'none') == 'opened'
(missing or 'fallback') == 'fallback'
(count and 'yes') == 'yes'
(empty and 'yes') == ''
missing or empty or 0
action and action.startswith('op')
not not action
9007199254740993 > 9007199254740992.0
9007199254740993 == 9007199254740992.0
99999999999999999999 > 1e19
-9223372036854775809 < -9223372036854775808
str(99999999999999999999) == '99999999999999999999'
0x1F == 31 and 0o17 == 15 and 0b101 == 5
1_000 == 1000
1e3 == 1000
.5 == 0.5
5. == 5
'a' 'b' == 'ab'
r'\d' == '\\d'
'\x41\u0042\U00000043\103' == 'ABCC'
'\N{BULLET}' == '•'
'\d' == '\\d'
"it's" == 'it\'s'
"""triple""" == 'triple'
u'x' == 'x'
(action ==
 'opened')
action == 'opened'  # a comment
action \
 == 'opened'
1or 2
1if 1 else 2
action if count else 'x'
x + 1
count * 2 > 1
count - 1
count / 2
count % 2 == 0
count ** 2
~count
+count
count | 1
count << 1
lambda: True
[x for x in labels]
{x for x in labels}
(x for x in labels)
{'a': 1}
{}
labels[0:1]
labels[::2]
labels[*x]
[*labels]
f'{action}' == 'opened'
b'opened'
1j
...
__import__('os')
_private
payload.__class__
payload._x
action.__len__()
eval('1')
open('/etc/passwd')
getattr(payload, 'x')
payload.keys()
action.replace('o', '0')
action.split()
len(x=1)
len(*labels)
len(labels)(1)
labels[0]()
(len)(labels) == 2
'opened'.upper() == 'OPENED'
x := 1
(x := 1)
await x
yield
not
action ==
== 'opened'
action = 'opened'
action === 'opened'
action <> 'opened'
action == 'opened'; True
'unterminated
(action
action)
01
1__0
0o8
1.real
1 .real
None.x
'abc'.x

    
ａｃｔｉｏｎ == 'opened'
café == 1
x.class
if
match == None
type is None
payload['action'] == 'opened' and payload['pull_request']['merged'] == False and len(payload['pull_request']['labels']) > 1 and payload['pull_request']['labels'][0]['name'] in ['bug', 'feature'] and payload['sender']['type'] != 'Bot'
'''.split('\n')[1:-1]
# multi-line entries: join those that were meant as one (the lines ending inside parens / backslash)
fixed = []
i = 0
while i < len(expressions):
    e = expressions[i]
    if e in ("(action ==", "action \\"):
        e = e + "\n" + expressions[i + 1]
        i += 1
    fixed.append(e)
    i += 1
# size limits: just over and just under, and a long one
fixed.append(" and ".join(["action == 'opened'"] * 40))   # > 200 nodes
fixed.append(" and ".join(["action"] * 99))                 # 1+2+99*2 = 201 nodes
fixed.append(" and ".join(["action"] * 98))                 # 199 nodes
fixed.append("not " * 98 + "action")
fixed.append("not " * 99 + "action")
fixed.append("(" * 200 + "action" + ")" * 200)
fixed.append("(" * 201 + "action" + ")" * 201)
fixed.append("'" + "a" * 1996 + "' == 1")                 # 2002 chars
fixed.append("'" + "a" * 1990 + "' != 1")                 # 1996 chars
fixed.append("a\0")
json.dump({"expressions": fixed, "events": events}, open(OUT, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(fixed), "expressions,", len(events), "events")
# second batch: the lexical and semantic probes used while reading filters.py
extra = json.load(open(os.path.join(HERE, "extra.json"), encoding="utf-8"))
probe = {"a": "a", "s": "opened", "n": 5, "big": 1000, "f": 2.5, "e": "", "file": 1, "x": 1,
         "l": [1, "x", None, True, {"k": "v"}], "d": {"b": "it's", "c": "q\"'"}, "u": "ΑΣ ßİ", "z": 0}
events.append({"payload": probe, "metadata": {"x": "y"}, "trigger_type": "webhook", "trigger_id": "t", "event_id": "e"})
seen = set(fixed)
for e in extra:
    if e not in seen:
        seen.add(e)
        fixed.append(e)
# compare/str probes: wrap value-producing probes so the truth value depends on the exact value
for e in extra:
    if e.startswith(("str(", "lower(", "upper(", "int(", "float(")) and "==" not in e:
        for wrapped in (e + " == " + "'x'",):
            pass
json.dump({"expressions": fixed, "events": events}, open(OUT, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(fixed), "expressions,", len(events), "events")
# fourth batch: more lexical, Unicode, identity, big-int and set probes; multi-line entries are joined.
lines = open(os.path.join(HERE, "batch4.txt"), encoding="utf-8").read().split("\n")
joins = {"'a\\": 1, "r'a\\": 1, "(action": 1, "action": 0, "action # c": 1, "\\": 1, "payload.\\": 1}
i = 0
batch4 = []
while i < len(lines):
    e = lines[i]
    if e in ("'a\\", "r'a\\", "(action", "action # c", "\\", "payload.\\") or (e == "action" and i + 1 < len(lines) and lines[i + 1] == "== 'opened'"):
        e = e + "\n" + lines[i + 1]
        i += 1
    if e:
        batch4.append(e)
    i += 1
for e in batch4:
    if e not in seen:
        seen.add(e); fixed.append(e); extra.append(e)
# third batch: pin exact values. For each value-producing probe, ask promptise for its value on the probe
# payload and add "(probe) == <that value as a literal>" and "str(probe) == <its str>".
import importlib, importlib.util, sys, types, os, logging, warnings
warnings.simplefilter("ignore")
spec = importlib.util.find_spec("promptise")
folder = os.path.join(list(spec.submodule_search_locations)[0], "runtime", "triggers")
pkg = types.ModuleType("_pt"); pkg.__path__ = [folder]; sys.modules["_pt"] = pkg
F = importlib.import_module("_pt.filters")
names = {"payload": probe, "metadata": {"x": "y"}, "trigger_type": "webhook", "trigger_id": "t", "event_id": "e"}
pinned = 0
for e in extra + [x for x in fixed[:319] if x.strip()]:
    try:
        tree = F.validate_filter_expression(e)
        value = F._eval(tree, names)
    except Exception:
        continue
    for candidate in ("(%s) == %r" % (e, value), "str(%s) == %r" % (e, str(value))):
        try:
            F.validate_filter_expression(candidate)
        except Exception:
            continue
        if candidate not in seen:
            seen.add(candidate); fixed.append(candidate); pinned += 1
json.dump({"expressions": fixed, "events": events}, open(OUT, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(fixed), "expressions,", len(events), "events,", pinned, "pinned")
# Known, justified divergences: str() of a JSON object whose keys are not in code point order. Python
# keeps the body's key order; JSONValue's objects are Swift dictionaries, which have none, so Swift
# shows the keys sorted.
divergences = []
for x in fixed:
    if x.startswith(("(str(payload)) ==", "str(str(payload)) ==", "str(payload) ==")) and "big" in x and "file" in x:
        divergences.append({"expression": x, "event": 6, "reason": "str(dict) shows JSON keys sorted: JSONValue objects carry no key order"})
json.dump({"expressions": fixed, "events": events, "divergences": divergences},
          open(OUT, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(divergences), "divergences")
