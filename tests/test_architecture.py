"""The house's shape: each part imports only the parts below it, and nothing imports views.

The parts, from the bottom up (README.md, Architecture):

    grants.core → grants.accounts → grants.calls → grants.proposals → reviews
    → grants.funding → grants.projects → grants.site → the wiring (urls, admin, commands)

Every import counts, at the top of a module or inside a function: an import moved into a
function to dodge a loop is still a loop.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("grants", "reviews", "portal")

# Longest prefix wins. A model module belongs to the part whose rules it stores.
LAYERS = {
    "grants.core": 0,
    "grants.models.audit": 0,
    "grants.models.fields": 0,
    "portal": 0,
    "grants.accounts": 1,
    "grants.models.reference": 1,
    "grants.models.people": 1,
    "grants.calls": 2,
    "grants.models.calls": 2,
    "grants.proposals": 3,
    "grants.models.proposals": 3,
    "reviews": 4,
    "grants.funding": 5,
    "grants.models.decisions": 5,
    "grants.projects": 6,
    "grants.models.projects": 6,
    "grants.models.refunds": 6,
    "grants.site": 7,
    "grants.office": 7,
    "grants.opendata": 7,
    "grants.overlaps": 7,
    "grants.models.overlaps": 7,
    "grants.api": 7,
    "grants.models.api": 7,
    # The wiring: what Django loads by name, and so may import every part.
    "grants.urls": 8,
    "grants.admin": 8,
    "grants.apps": 8,
    "grants.templatetags": 8,
    "grants.management": 8,
    "reviews.urls": 8,
    "reviews.admin": 8,
    "reviews.management": 8,
    "portal.urls": 8,
    "portal.settings": 8,
}
# Django's registry of the app's models: every part reads its tables through it.
MODEL_REGISTRY = "grants.models"


def modules():
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_modules(path, name, known):
    """Every project module ``path`` imports, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield node.lineno, target


def layer_of(name):
    if name in ("grants", MODEL_REGISTRY):  # the app's empty package; the models' registry
        return 0
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return LAYERS[prefix]
    raise AssertionError(f"{name} belongs to no part: add it to LAYERS")


def is_views(name):
    leaf = name.rpartition(".")[2]
    return leaf == "views" or leaf.endswith("_views") or ".views." in name


def graph():
    known = modules()
    edges = {}
    for name, path in known.items():
        edges[name] = {target: line for line, target in imported_modules(path, name, known)}
    return edges


def test_every_module_belongs_to_a_part():
    for name in graph():
        layer_of(name)


def test_no_part_imports_a_part_above_it():
    upward = [
        f"{source} (line {line}) imports {target}"
        for source, targets in graph().items()
        for target, line in targets.items()
        if source != MODEL_REGISTRY
        and target != MODEL_REGISTRY
        and layer_of(target) > layer_of(source)
    ]
    assert upward == []


def test_only_views_and_the_wiring_import_views():
    offenders = [
        f"{source} (line {line}) imports {target}"
        for source, targets in graph().items()
        for target, line in targets.items()
        if is_views(target) and not is_views(source) and layer_of(source) < LAYERS["grants.urls"]
    ]
    assert offenders == []


def test_no_import_cycles():
    edges = graph()
    cycles = [component for component in strongly_connected(edges) if len(component) > 1]
    assert cycles == []


def strongly_connected(edges):
    """Tarjan's algorithm, iteratively (the graph is small, but recursion limits are not)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    result.append(sorted(component))
    return result


# The rules that are computed rather than stored: plain values in, plain values out. They
# import no Django, and of the project only one another, so each can be tested as a table.
PURE = {
    "grants.core.limits",
    "grants.core.text_similarity",
    "grants.core.money",
    "grants.proposals.budget",
    "grants.proposals.eligibility",
    "grants.proposals.eligibility_data",
    "grants.proposals.instrument_rules",
    "grants.overlaps.passages",
    "grants.opendata.figures",
    "grants.opendata.chart",
    "grants.funding.simulation",
    "grants.funding.lottery",
    "grants.projects.award_budget",
    "grants.projects.change_rules",
    "grants.projects.project_dates",
    "grants.projects.signing_rules",
    "grants.projects.report_rules",
    "grants.projects.payment_rules",
    "grants.overlaps.text_overlap",
    "grants.overlaps.people_overlap",
    "grants.overlaps.instrument_match",
    "reviews.affinity",
    "reviews.assignment",
    "reviews.assignment_data",
    "reviews.conflicts",
    "reviews.fair_assignment",
    "reviews.calibration_model",
    "reviews.interval_plot",
    "reviews.publication_rules",
    "reviews.scoring",
}
# STYLE.md's split point: a module past it has seams worth cutting along.
MAX_LINES = 500


def test_pure_modules_import_no_django_and_only_pure_modules():
    known = modules()
    offenders = []
    for name in sorted(PURE):
        tree = ast.parse(known[name].read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                )
                if any(n == "django" or n.startswith("django.") for n in names):
                    offenders.append(f"{name} (line {node.lineno}) imports Django")
        for target, line in dict(
            (t, ln) for ln, t in imported_modules(known[name], name, known)
        ).items():
            if target not in PURE:
                offenders.append(f"{name} (line {line}) imports {target}, which is not pure")
    assert offenders == []


def test_no_module_past_the_split_point():
    long = [
        f"{name}: {lines} lines"
        for name, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []
