#!/usr/bin/env python3
"""Generates the intent classifier's labelled data set: data/intel/train.jsonl and heldout.jsonl.

Each line is {"wire", "body", "intent", "family"}: a full request body as a client would send it,
its label, and the instruction family it was written from. The held-out split takes whole
families (about 20% of each class's families), so no held-out instruction, and no paraphrase of
one, appears in training; earlier turns of held-out conversations come from held-out families
too. Deterministic: the same seed writes the same files.

    python3 tools/intel/gen_dataset.py [--seed 8] [--per-class 200] [--out data/intel]

Python 3 standard library only.
"""

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import shapes  # noqa: E402
from families import CONTEXT_OPENERS, FAMILIES  # noqa: E402
from projects import ENDPOINTS, FEATURE_NOUNS, NEW_NAMES, PROJECTS  # noqa: E402

COLUMNS = ["legacy_status", "email", "deleted_at", "phone", "notes", "full_name", "tenant_id", "amount_cents"]
HELDOUT_FRACTION = 0.2

MODELS = {
    "anthropic": ["claude-opus-4-8", "claude-sonnet-4-5", "claude-haiku-4-5-20251001"],
    "openai_chat": ["gpt-5.5", "gpt-4.1", "gpt-5-mini", "deepseek-chat", "qwen2.5-coder:32b"],
    "openai_responses": ["gpt-5.5", "gpt-5-codex", "o4-mini"],
    "gemini": ["gemini-2.5-pro", "gemini-2.5-flash"],
}

# ---- slots -----------------------------------------------------------------------------------


class Slots(dict):
    """Template slots, filled on first use so that one template uses one value per slot."""

    def __init__(self, proj, rng):
        super().__init__()
        self.proj, self.rng = proj, rng

    def pick(self, items, avoid=None):
        choices = [x for x in items if x != avoid] or items
        return self.rng.choice(choices)

    def __missing__(self, key):
        p, r = self.proj, self.rng
        caps = [s for s in p["symbols"] if s[:1].isupper()]
        table = {
            "file": lambda: self.pick(p["files"]),
            "file2": lambda: self.pick(p["files"], self.get("file")),
            "sym": lambda: self.pick(p["symbols"]),
            "sym2": lambda: self.pick(p["symbols"], self.get("sym")),
            "cls": lambda: self.pick(caps or p["symbols"]),
            "newname": lambda: self.pick(NEW_NAMES),
            "test_file": lambda: self.pick(p["tests"]),
            "doc": lambda: self.pick(p["docs"]),
            "config": lambda: self.pick(p["configs"]),
            "dir": lambda: self.pick(p["dirs"]),
            "lang": lambda: p["lang"],
            "err": lambda: self.pick(p["errors"]),
            "trace": lambda: p["trace"].format(file=self["file"], sym=self["sym"], err=self["err"]),
            "test_name": lambda: self.pick(p["test_names"]),
            "auth_file": lambda: self.pick(p["auth"]),
            "pay_file": lambda: self.pick(p["payments"]),
            "crypto_file": lambda: self.pick(p["crypto"]),
            "secret_file": lambda: self.pick(p["secrets"]),
            "mig_file": lambda: self.pick(p["migrations"]),
            "infra_file": lambda: self.pick(p["infra"]),
            "auth_sym": lambda: self.pick(p["auth_symbols"]),
            "pay_sym": lambda: self.pick(p["pay_symbols"]),
            "table": lambda: self.pick(p["tables"]),
            "col": lambda: self.pick(COLUMNS),
            "lib": lambda: self.pick(p["libs"]),
            "lib2": lambda: self.pick(p["libs"], self.get("lib")),
            "feature_noun": lambda: self.pick(FEATURE_NOUNS),
            "endpoint": lambda: self.pick(ENDPOINTS),
        }
        if key not in table:
            raise KeyError(key)
        value = table[key]()
        self[key] = value
        return value


def fill(template, slots):
    return template.format_map(slots)


# ---- code and tool output --------------------------------------------------------------------

BODY_LINES = {
    "py": ["result = []", "for item in items:", "    if item is None:", "        continue", "    result.append(item)",
           "logger.debug(\"processing %s\", key)", "value = cache.get(key)", "if value is not None:", "    return value",
           "total = sum(line.price * line.qty for line in order.lines)", "return result", "data = json.loads(raw)",
           "raise ValueError(f\"bad input: {raw!r}\")", "with open(path) as fh:", "    rows = list(csv.reader(fh))"],
    "ts": ["const result: Item[] = [];", "for (const item of items) {", "  if (!item) continue;", "  result.push(item);", "}",
           "const res = await apiClient.get(`/orders/${id}`);", "if (!res.ok) throw new Error(res.statusText);",
           "return result;", "setLoading(false);", "const [state, setState] = useState<State>(initial);",
           "useEffect(() => { load(); }, [id]);", "return items.map((i) => ({ ...i, price: formatPrice(i.price) }));"],
    "go": ["result := make([]Job, 0, len(jobs))", "for _, j := range jobs {", "\tif j.Done {", "\t\tcontinue", "\t}",
           "\tresult = append(result, j)", "}", "if err != nil {", "\treturn nil, fmt.Errorf(\"load: %w\", err)",
           "s.mu.Lock()", "defer s.mu.Unlock()", "return result, nil", "ctx, cancel := context.WithTimeout(ctx, 5*time.Second)"],
    "rs": ["let mut out = Vec::with_capacity(items.len());", "for item in items {", "    if item.is_empty() {",
           "        continue;", "    }", "    out.push(item.clone());", "}", "let header = parse_header(&buf)?;",
           "Ok(out)", "self.cache.insert(key, value);", "match kind {", "    Kind::A => 1,", "    _ => 0,"],
    "java": ["List<Order> result = new ArrayList<>();", "for (Order o : orders) {", "    if (o == null) continue;",
             "    result.add(o);", "}", "return result;", "log.debug(\"loaded {} orders\", result.size());",
             "Optional<Customer> c = repository.findById(id);", "if (c.isEmpty()) {",
             "    throw new NotFoundException(\"customer \" + id);"],
    "cpp": ["std::vector<Vertex> out;", "out.reserve(count);", "for (const auto& v : vertices) {",
            "  if (!v.valid()) continue;", "  out.push_back(v);", "}", "return out;", "std::lock_guard lock(mutex_);",
            "auto* block = allocate(size);", "if (block == nullptr) throw std::bad_alloc();"],
}


def header(ext, sym):
    name = sym.split("::")[-1]
    return {"py": f"def {name}(self, items, limit=None):", "ts": f"export function {name}(items: Item[]): Item[] {{",
            "go": f"func {name}(ctx context.Context, jobs []Job) ([]Job, error) {{",
            "rs": f"pub fn {name}(items: &[String]) -> anyhow::Result<Vec<String>> {{",
            "java": f"public List<Order> {name}(List<Order> orders) {{",
            "cpp": f"std::vector<Vertex> {name}(const std::vector<Vertex>& vertices, std::size_t count) {{"}[ext]


def code(proj, sym, n, rng):
    ext = proj["ext"]
    lines = [header(ext, sym)]
    pool = BODY_LINES[ext]
    indent = "    " if ext in ("py", "rs", "java") else ("\t" if ext == "go" else "  ")
    for _ in range(max(1, n - 2)):
        lines.append(indent + rng.choice(pool))
    if ext != "py":
        lines.append("}")
    return "\n".join(lines)


def numbered(text):
    return "\n".join(f"{i + 1:>6}\u2192{line}" for i, line in enumerate(text.split("\n")))


def test_output(proj, slots, failed, rng):
    cmd = proj["test_cmd"]
    if not failed:
        ok = {"pytest -q": "........................................ [100%]\n42 passed in 1.83s",
              "npm test": "Test Suites: 9 passed, 9 total\nTests:       57 passed, 57 total",
              "go test ./...": "ok  \tfleet/internal/scheduler\t0.014s\nok  \tfleet/pkg/queue\t0.009s",
              "cargo test": "running 23 tests\n.......................\ntest result: ok. 23 passed; 0 failed",
              "mvn test": "[INFO] Tests run: 64, Failures: 0, Errors: 0, Skipped: 0\n[INFO] BUILD SUCCESS",
              "ctest --output-on-failure": "100% tests passed, 0 tests failed out of 18"}
        return ok[cmd]
    name = slots["test_name"]
    fail = {"pytest -q": f"F....\n=================================== FAILURES ===================================\n"
                         f"___ {name} ___\n{slots['trace']}\nFAILED tests/test_orders.py::{name}\n1 failed, 41 passed in 2.10s",
            "npm test": f"FAIL src/components/ProductList.test.tsx\n  \u25cf {name}\n\n    {slots['err']}\n\nTests: 1 failed, 56 passed",
            "go test ./...": f"--- FAIL: {name} (0.00s)\n{slots['trace']}\nFAIL\tfleet/internal/scheduler\t0.021s",
            "cargo test": f"test {name} ... FAILED\n\nfailures:\n---- {name} stdout ----\n{slots['trace']}\n\ntest result: FAILED. 22 passed; 1 failed",
            "mvn test": f"[ERROR] Tests run: 64, Failures: 1\n[ERROR] {name}  Time elapsed: 0.02 s  <<< FAILURE!\n{slots['trace']}\n[INFO] BUILD FAILURE",
            "ctest --output-on-failure": f"The following tests FAILED:\n\t  7 - {name} (Failed)\n{slots['trace']}"}
    return fail[cmd]


def grep_output(proj, slots, rng):
    sym = slots["sym"]
    return "\n".join(f"{rng.choice(proj['files'])}:{rng.randrange(10, 400)}:    {sym}(" + rng.choice(["ctx", "items", "order", "req"]) + ")"
                     for _ in range(rng.randrange(1, 5)))


# ---- what the agent does after the latest instruction ----------------------------------------

ZONE_WORDS = [("migrations", ["migration", "column", "table", "schema", "backfill", "purge", "delete", "gdpr", "pii",
                              "database", "anonymize", "currencies", "foreign key"]),
              ("infra", ["terraform", "prod", "k8s", "helm", "deploy", "dns", "iam", "security group", "replicas",
                         "cluster", "rds", "port", "load balancer"]),
              ("payments", ["stripe", "payment", "refund", "invoice", "charge", "subscription", "coupon", "checkout",
                            "tax", "bill", "paypal", "discount"]),
              ("crypto", ["encrypt", "tls", "hmac", "certificate", "aes", "sign"]),
              ("secrets", ["secret", "vault", "api key", "aws", "keys"])]


def sensitive_target(instruction, proj, rng):
    low = instruction.lower()
    for zone, words in ZONE_WORDS:
        if any(w in low for w in words):
            return rng.choice(proj[zone])
    return rng.choice(proj["auth"])


def progress(cls, instruction, slots, proj, rng):
    """Tool steps an agent took after the instruction, typical of its class (and sometimes not)."""
    if rng.random() < 0.15 and cls != "high_stakes":  # agents do not always act to type
        cls = rng.choice([c for c in FAMILIES if c != "high_stakes"])
    target = slots.get("file") or rng.choice(proj["files"])
    sym = slots["sym"]
    read = ("read", target, numbered(code(proj, sym, rng.randrange(6, 14), rng)))
    if cls == "chat":
        return rng.choice([[read], [("grep", sym, grep_output(proj, slots, rng))],
                           [("grep", sym, grep_output(proj, slots, rng)), read]])
    if cls == "trivial_edit":
        target = slots.get("doc") or slots.get("config") or target
        old = code(proj, sym, 3, rng)
        new_lines = old.split("\n")
        new_lines[1] = new_lines[1] + ("  # noqa" if proj["ext"] == "py" else " // keep")
        return [("read", target, numbered(old)), ("edit", target, old, "\n".join(new_lines))]
    if cls == "feature":
        new_file = target.rsplit("/", 1)[0] + "/" + rng.choice(["export", "retry", "flags", "stream", "upload"]) + "." + proj["ext"]
        body = code(proj, slots["newname"] if "newname" in slots else sym, rng.randrange(15, 40), rng)
        grow = ("edit", target, code(proj, sym, 4, rng), code(proj, sym, rng.randrange(12, 30), rng))
        return [read, rng.choice([("write", new_file, body), grow])]
    if cls == "refactor":
        steps = [read]
        for _ in range(rng.randrange(2, 4)):
            steps.append(("edit", rng.choice([target, slots.get("file2") or rng.choice(proj["files"])]),
                          code(proj, sym, rng.randrange(5, 15), rng), code(proj, slots["sym2"], rng.randrange(5, 15), rng)))
        return steps
    if cls == "debug":
        failed = rng.random() < 0.8
        steps = [("bash", proj["test_cmd"], test_output(proj, slots, failed, rng), failed and rng.random() < 0.6), read]
        if rng.random() < 0.4:
            old = code(proj, sym, 4, rng)
            steps.append(("edit", target, old, old.replace("continue", "break", 1) + "\n"))
        return steps
    if cls == "test":
        tf = slots.get("test_file") or rng.choice(proj["tests"])
        steps = [read, ("write", tf, code(proj, "test_" + sym.lower().replace("::", "_"), rng.randrange(12, 40), rng))]
        if rng.random() < 0.5:
            steps.append(("bash", proj["test_cmd"], test_output(proj, slots, False, rng), False))
        return steps
    target = sensitive_target(instruction, proj, rng)
    old = code(proj, slots["auth_sym"] if "auth" in target else sym, rng.randrange(4, 10), rng)
    return [("read", target, numbered(old)),
            ("edit", target, old, code(proj, sym, rng.randrange(6, 25), rng))]


# ---- noise -----------------------------------------------------------------------------------

PREFIXES = ["hey, ", "ok, ", "next: ", "quick one: "]
IMPERATIVE_PREFIXES = ["pls ", "Can you ", "I need you to ", "Please "]
IMPERATIVE_VERBS = {"add", "fix", "write", "rename", "remove", "make", "update", "implement", "create", "change", "move",
                    "split", "convert", "replace", "extract", "delete", "run", "set", "bump", "use", "support", "let",
                    "handle", "test", "refactor", "clean", "document", "sort", "format", "build", "integrate",
                    "migrate", "switch", "drop", "rotate", "encrypt", "store", "deploy", "scale", "enable", "cover",
                    "mock", "stub", "increase", "reduce", "simplify", "merge", "pull", "turn", "introduce", "get"}
SUFFIXES = [" thanks", " thx", ". Keep it minimal.", ". Follow the existing style.", " ty", "!", " asap",
            ". Don't touch anything else.", " when you get a chance"]
ASIDES = ["We're on {lang}.", "This is blocking the release.", "I'm new to this code base.",
          "Context: the team wants this before Friday.", "Use the conventions in the repo."]


def typo(word, rng):
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def noisy(text, slots, rng):
    if rng.random() < 0.12:
        words = text.split(" ")
        for _ in range(rng.randrange(1, 3)):
            j = rng.randrange(len(words))
            words[j] = typo(words[j], rng)
        text = " ".join(words)
    r = rng.random()
    first = text.split(" ", 1)[0].lower()
    imperative = first in IMPERATIVE_VERBS and not text.rstrip().endswith("?")
    if r < 0.12 and not text.startswith(("{", "`")):
        prefix = rng.choice(PREFIXES + (IMPERATIVE_PREFIXES if imperative else []))
        text = prefix + (text[0].lower() + text[1:] if prefix[0].isupper() else text)
    elif r < 0.2:
        text = text[0].upper() + text[1:]
    if rng.random() < 0.15 and "\n" not in text:
        text += rng.choice(SUFFIXES)
    if rng.random() < 0.08:
        text = rng.choice(ASIDES).format(lang=slots["lang"]) + " " + text
    if rng.random() < 0.1 and "\n" not in text:
        text = text.lower()
    return text


# ---- one example -----------------------------------------------------------------------------

def choose_shape(cls, rng):
    wire = rng.choices(["anthropic", "openai_chat", "openai_responses", "gemini"], [0.34, 0.26, 0.2, 0.2])[0]
    agent = rng.random() < (0.5 if cls == "chat" else 0.75)
    return wire, agent


def context_turn(pool, proj, rng):
    """An earlier user turn: a generic opener or an instruction from the same split."""
    slots = Slots(proj, rng)
    if rng.random() < 0.4:
        return fill(rng.choice(CONTEXT_OPENERS), slots)
    _, fam = rng.choice(pool)
    return fill(rng.choice(fam), slots)


def example(cls, family, template, pool, rng):
    proj = rng.choice(PROJECTS)
    slots = Slots(proj, rng)
    instruction = noisy(fill(template, slots), slots, rng)
    wire, agent = choose_shape(cls, rng)
    model = rng.choice(MODELS[wire])
    root, lang = proj["root"], proj["lang"]
    history = []
    if rng.random() < 0.35:
        cslots = Slots(proj, rng)
        history.append(("user", context_turn(pool, proj, rng)))
        if agent:
            history.append(("steps", [("grep", cslots["sym"], grep_output(proj, cslots, rng)),
                                      ("read", cslots["file"], numbered(code(proj, cslots["sym"], 8, rng)))]))
        history.append(("assistant", rng.choice(["Done.", "Here's what I found: the module is small and well tested.",
                                                 "I've made the change and the tests pass.", "Sure - see above."])))
    history.append(("user", instruction))
    about_code = any(k in slots for k in ("file", "sym", "cls", "dir", "config", "test_file", "auth_file", "pay_file"))
    if agent and rng.random() < 0.55 and (cls != "chat" or about_code):
        history.append(("steps", progress(cls, instruction, slots, proj, rng)))
    if wire == "anthropic":
        body = shapes.anthropic_claude_code(history, root, rng, model) if agent else \
            shapes.anthropic_plain(history, root, rng, model, lang)
    elif wire == "openai_chat":
        if not agent:
            body = shapes.chat_plain(history, root, rng, model, lang)
        elif rng.random() < 0.5:
            # aider sends one request per instruction and edits by text, so nothing follows it.
            if history[-1][0] == "steps":
                history.pop()
            in_chat = [slots["file"]] if "file" in slots else []
            texts = {p: code(proj, slots["sym"], rng.randrange(5, 12), rng) for p in in_chat}
            body = shapes.chat_aider(history, root, rng, model, in_chat, texts)
        else:
            body = shapes.chat_agent(history, root, rng, model)
    elif wire == "openai_responses":
        body = shapes.responses_codex(history, root, rng, model) if agent else \
            shapes.responses_plain(history, root, rng, model, lang)
    else:
        body = shapes.gemini_cli(history, root, rng, model) if agent else shapes.gemini_plain(history, root, rng, model, lang)
    return {"wire": wire, "body": body, "intent": cls, "family": family}


def report_overlap(split):
    """Prints how close the nearest training template comes to each held-out one (word Jaccard,
    slots removed), so a near-paraphrase across the split is noticed."""
    def words(t):
        return set(re.findall(r"[a-z]+", re.sub(r"\{\w+\}", " ", t.lower())))
    train = [words(t) for _, _, fam in split["train"] for t in fam]
    nearest = []
    for _, _, fam in split["heldout"]:
        for t in fam:
            w = words(t)
            nearest.append(max(len(w & x) / max(1, len(w | x)) for x in train))
    nearest.sort()
    print(f"held-out templates vs nearest training template (word Jaccard): median {nearest[len(nearest) // 2]:.2f}, "
          f"max {nearest[-1]:.2f}, over 0.6: {sum(1 for x in nearest if x > 0.6)} of {len(nearest)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--per-class", type=int, default=220)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "intel"))
    args = ap.parse_args()
    rng = random.Random(args.seed)

    split = {"train": [], "heldout": []}  # (class, family name, templates)
    for cls, fams in FAMILIES.items():
        order = list(range(len(fams)))
        rng.shuffle(order)
        n_held = max(1, round(len(fams) * HELDOUT_FRACTION))
        for rank, i in enumerate(order):
            split["heldout" if rank < n_held else "train"].append((cls, f"{cls}/{i}", fams[i]))

    report_overlap(split)
    os.makedirs(args.out, exist_ok=True)
    for name, fams in split.items():
        pool = [(f"{c}/{n}", t) for c, n, t in fams]
        rows = []
        for cls in FAMILIES:
            mine = [(n, t) for c, n, t in fams if c == cls]
            want = round(args.per_class * (HELDOUT_FRACTION if name == "heldout" else 1 - HELDOUT_FRACTION))
            for k in range(want):
                fam_name, templates = mine[k % len(mine)]
                template = templates[(k // len(mine)) % len(templates)]
                rows.append(example(cls, fam_name, template, pool, rng))
        rng.shuffle(rows)
        path = os.path.join(args.out, f"{name}.jsonl")
        with open(path, "w") as f:
            for row in rows:
                f.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
        families = len({r["family"] for r in rows})
        print(f"{path}: {len(rows)} requests from {families} families, {os.path.getsize(path) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
