"""Grade only what the verdicts need: the cells a test cell can depend on, found from names with ``ast``.

A lesson cell (a demo, a plot, an explorer's construction) is skipped when no test cell, answer cell or other
needed cell could see anything it does. The rule is conservative, so a skipped cell changes no verdict:

- always run: test cells, answer cells, cells the student added or edited (they may do anything), and cells
  whose effects cannot be bounded by names: IPython magics and shell escapes, ``exec``/``eval``/``globals()``
  and friends, ``import *``, ``global`` statements, and changes to global state (seeds, ``os.environ``,
  ``sys.path``, the working folder, warning filters, library options);
- a needed cell needs every EARLIER cell that mentions (reads, writes, or calls a method of) a name it mentions:
  mentioning is enough, since ``model.fit(X)`` changes ``model`` without assigning it; names mentioned inside a
  function body count when they are free variables of the function (its parameters and locals do not);
- names bound only by imports link a needed cell to the import cells only (``np`` appears everywhere, but
  importing numpy twice changes nothing), and builtins link to nothing unless a cell rebinds them;
- cells that draw from a global random state (``np.random.<legacy>``, ``random.*``, anything of ``torch``) are
  kept in order when a needed cell draws from the same state, so its numbers are those of a full run.

Implicit global state that no name shows (a scikit-learn estimator with ``random_state=None`` drawing from
NumPy's global generator) is not tracked: such a draw was never reproducible between two full runs either.
"""
from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass, field

OPAQUE_CALLS = {"exec", "eval", "compile", "globals", "locals", "vars", "__import__", "setattr", "delattr",
                "get_ipython", "breakpoint"}
# Attribute paths (below an imported module) that change process-wide state: the cell always runs.
GLOBAL_STATE = ("random.seed", "random.setstate", "seed", "set_printoptions", "seterr", "environ", "chdir",
                "path.append", "path.insert", "filterwarnings", "simplefilter", "set_config", "set_option",
                "rcParams", "rc", "manual_seed", "set_num_threads", "use_deterministic_algorithms",
                "set_default_dtype", "setrecursionlimit", "register")
# Module attributes that draw from a process-wide random generator.
PURE_NUMPY_RANDOM = {"default_rng", "Generator", "SeedSequence", "PCG64", "PCG64DXSM", "Philox", "SFC64",
                     "BitGenerator", "RandomState"}
BUILTIN_NAMES = set(dir(builtins))


@dataclass
class CellFacts:
    mentions: set[str] = field(default_factory=set)       # names read, written or called at the cell's level
    imports: set[str] = field(default_factory=set)        # names this cell binds by import
    random_states: set[str] = field(default_factory=set)  # global generators it draws from: "numpy", "random", "torch"
    always: bool = False                                  # effects not bounded by names
    why: str = ""


def _attribute_path(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id] + parts[::-1]
    return None


class _Scan(ast.NodeVisitor):
    """Names a cell mentions at its level, with function scopes taken out (their free variables kept)."""

    def __init__(self):
        self.facts = CellFacts()
        self.scopes: list[set[str]] = []            # names local to each enclosing function or comprehension

    def _local(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    def _opaque(self, why: str) -> None:
        if not self.facts.always:
            self.facts.always, self.facts.why = True, why

    def visit_Name(self, node: ast.Name) -> None:
        if not self._local(node.id):
            self.facts.mentions.add(node.id)
        if node.id in OPAQUE_CALLS:
            self._opaque(f"uses {node.id}")

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self._opaque("import *")
                continue
            bound = alias.asname or alias.name.split(".")[0]
            if self.scopes:
                self.scopes[-1].add(bound)
            else:
                self.facts.imports.add(bound)
                self.facts.mentions.add(bound)

    visit_ImportFrom = visit_Import

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        self._opaque("a global statement")

    visit_Nonlocal = visit_Global

    def visit_Attribute(self, node: ast.Attribute) -> None:
        path = _attribute_path(node)
        if path:
            dotted = ".".join(path[1:])
            if any(dotted == s or dotted.endswith("." + s) or dotted.startswith(s + ".") for s in GLOBAL_STATE):
                self._opaque(f"changes global state ({'.'.join(path)})")
            if len(path) >= 3 and path[1] == "random" and path[2] not in PURE_NUMPY_RANDOM:
                self.facts.random_states.add("numpy")
            if path[0] == "random":
                self.facts.random_states.add("random")
            if path[0] == "torch":
                self.facts.random_states.add("torch")
        self.generic_visit(node)

    def _function(self, node, arguments: ast.arguments | None, body: list[ast.AST]) -> None:
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        if arguments is not None:
            for default in arguments.defaults + [d for d in arguments.kw_defaults if d is not None]:
                self.visit(default)
        local = set()
        if arguments is not None:
            local |= {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
            local |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
        for statement in body:
            for child in ast.walk(statement):
                if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                    local.add(child.id)
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    local.add(child.name)
        self.scopes.append(local)
        for statement in body:
            self.visit(statement)
        self.scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._bind(node.name)
        self._function(node, node.args, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, node.args, [node.body])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name)
        self.generic_visit(node)   # a class body reads and writes at the cell's level: conservative

    def _comprehension(self, node) -> None:
        local = {n.id for generator in node.generators for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
        self.visit(node.generators[0].iter)        # evaluated in the enclosing scope
        self.scopes.append(local)
        for number, generator in enumerate(node.generators):
            if number:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def _bind(self, name: str) -> None:
        if self.scopes:
            self.scopes[-1].add(name)
        else:
            self.facts.mentions.add(name)


@functools.lru_cache(maxsize=4096)
def _parse(source: str) -> ast.Module | str:
    """The cell as Python after IPython's transforms (magics become get_ipython calls), or why it does not parse.
    Cached: each of the analyses below reads every cell."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError) as error:
        return type(error).__name__


def cell_facts(source: str) -> CellFacts:
    """What one code cell mentions, imports and draws from; ``always`` when its effects cannot be bounded."""
    tree = _parse(source)
    if isinstance(tree, str):
        return CellFacts(always=True, why=f"does not parse ({tree})")
    scan = _Scan()
    scan.visit(tree)
    return scan.facts


def _stable_functions(sources: list[str], facts: list[CellFacts], only_imported: set[str], ignore: set[str]) -> dict:
    """Functions defined once, by a top-level ``def``, whose free names are imports, builtins or other such
    functions: calling one cannot change what any name refers to, so a cell that calls it is linked to the
    cell defining it, not to every other cell that calls it. -> {name: defining cell}."""
    top_defs: dict[str, list[int]] = {}
    other_bindings: set[str] = set()
    for index, source in enumerate(sources):
        tree = _parse(source)
        if isinstance(tree, str):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.decorator_list:
                top_defs.setdefault(node.name, []).append(index)
        top_level_defs = {n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                other_bindings.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node not in top_level_defs:
                other_bindings.add(node.name)
    candidates = {name: cells[0] for name, cells in top_defs.items()
                  if len(cells) == 1 and name not in other_bindings}
    stable: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for name, cell in candidates.items():
            if name in stable or facts[cell].always:
                continue
            defined_here = {n for n, c in candidates.items() if c == cell}
            free = facts[cell].mentions - ignore - only_imported - defined_here - set(stable)
            if not free:
                stable[name] = cell
                changed = True
    return stable


def needed_cells(sources: list[str], required: list[bool]) -> tuple[set[int], dict[int, str]]:
    """The indices of the code cells to run, and why each cell that is always run is so.

    ``sources`` are the code cells in order; ``required[i]`` marks test, answer and student-changed cells.
    """
    facts = [cell_facts(s) for s in sources]
    only_imported = set().union(*(f.imports for f in facts)) - {
        name for f, s in zip(facts, sources) for name in _assigned(s)}
    rebound_builtins = {name for s in sources for name in _assigned(s)} & BUILTIN_NAMES
    ignore = (BUILTIN_NAMES - rebound_builtins)
    stable = _stable_functions(sources, facts, only_imported, ignore)
    reasons = {i: f.why for i, f in enumerate(facts) if f.always}
    needed = {i for i, (f, r) in enumerate(zip(facts, required)) if r or f.always}
    pending = sorted(needed)
    while pending:
        i = pending.pop()
        names = facts[i].mentions - ignore
        for j in range(i):
            if j in needed:
                continue
            other = facts[j]
            shared = (other.mentions - ignore) & names
            linked = (shared - only_imported - set(stable)) or (shared & other.imports) or \
                any(stable.get(name) == j for name in shared)
            if linked or facts[i].random_states & other.random_states:
                needed.add(j)
                pending.append(j)
    return needed, reasons


def _assigned(source: str) -> set[str]:
    """Names a cell binds other than by import (assignment, def, class, for, with), at any depth."""
    tree = _parse(source)
    if isinstance(tree, str):
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names | {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                    ast.ClassDef))}
