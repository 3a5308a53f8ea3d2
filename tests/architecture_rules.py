"""The layout rules of docs/architecture.md as functions over a source tree (read with ast).

Each rule takes the root of a tree and returns the violations it finds, as readable
strings; tests/test_architecture.py applies them to CareDesk and to small fake trees
that break each rule on purpose.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PROJECT = ("app", "pages", "components", "services", "db", "manage", "tests", "bench")

# layer -> the project layers it may import
LAYERS = {
    "app": {"components", "services", "db"},
    "pages": {"components", "services", "db"},
    "components": {"components", "services", "db"},
    "services": {"services", "db"},
    "db": {"db"},
}

# services room -> the rooms it may use (besides itself). Read bottom-up: each room may
# use only the rooms listed before it.
SERVICE_ROOMS = {
    "core": set(),
    "patients": {"core"},
    "tasks": {"core"},
    "scheduling": {"core", "patients", "tasks"},
    "contacts": {"core", "patients", "tasks", "scheduling"},
    "safety": {"core", "patients", "tasks", "scheduling", "contacts"},
    "intake": {"core", "patients", "tasks", "scheduling", "contacts", "safety"},
    "care_plans": {"core", "patients", "tasks", "scheduling", "contacts", "safety", "intake"},
    "overview": {
        "core",
        "patients",
        "tasks",
        "scheduling",
        "contacts",
        "safety",
        "intake",
        "care_plans",
    },
    # Exchange formats (FHIR, spreadsheets): reads every clinical room, used by none of them.
    "interop": {"core", "patients", "tasks", "scheduling", "contacts", "intake", "care_plans"},
    "demo": {
        "core",
        "patients",
        "tasks",
        "scheduling",
        "contacts",
        "safety",
        "intake",
        "care_plans",
        "overview",
        "interop",
    },
    # training makes its scenarios' patients with every room's services and resets the
    # training database through the demo room
    "training": {
        "core",
        "patients",
        "tasks",
        "scheduling",
        "contacts",
        "intake",
        "care_plans",
        "overview",
        "demo",
    },
}
CLINICAL_ROOMS = set(SERVICE_ROOMS) - {"demo", "training", "interop"}

# components room -> (services rooms it may use, other components rooms it may use)
COMPONENT_ROOMS = {
    # patients: deep links name one; training: the guard draws the trainee's checklist
    "shared": ({"core", "patients", "demo"}, {"training"}),
    "admin": ({"core", "demo"}, {"shared"}),
    "patients": (
        {"core", "patients", "tasks", "safety", "overview"},
        {"shared", "safety", "overview", "interop"},
    ),
    "scheduling": ({"core", "patients", "tasks", "scheduling"}, {"shared"}),
    "contacts": ({"core", "patients", "tasks", "scheduling", "contacts"}, {"shared", "interop"}),
    "interop": ({"core", "patients", "contacts", "interop"}, {"shared"}),
    "intake": (
        {"core", "patients", "tasks", "scheduling", "contacts", "intake"},
        {"shared", "patients"},
    ),
    "care_plans": (
        {"core", "patients", "tasks", "scheduling", "contacts", "intake", "care_plans"},
        {"shared", "patients"},
    ),
    "training": ({"core", "training"}, {"shared"}),
    # The urgent safety follow-up and the safety plan, on My day and the patient's page.
    "safety": ({"core", "patients", "tasks", "scheduling", "contacts", "safety"}, {"shared"}),
    # My day and the patient header every patient page starts with.
    "overview": (CLINICAL_ROOMS, {"shared", "safety"}),
}

# Where a transaction may be opened: a room's actions, the data layer, the operator
# commands, the demo seeder, tests and benchmarks.
TRANSACTIONS = ("session_scope", "read_scope")


def transaction_owner(rel: Path) -> bool:
    parts = rel.parts
    return (
        parts[0] in ("db", "tests", "bench")
        or rel == Path("manage.py")
        or parts[:2] == ("services", "demo")
        or (parts[0] == "services" and (rel.stem == "actions" or "actions" in parts[2:-1]))
    )


@dataclass(frozen=True)
class Import:
    module: str  # the module named, e.g. "services.core.audit"
    names: tuple[str, ...]  # what "from module import ..." took ("" for a plain import)
    line: int


def source_files(root: Path, *folders: str) -> list[Path]:
    found = []
    for folder in folders:
        target = root / folder
        if target.is_file():
            found.append(target)
        elif target.is_dir():
            found.extend(
                p
                for p in target.rglob("*.py")
                if "migrations" not in p.parts and ".venv" not in p.parts
            )
    return sorted(found)


def module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports(path: Path) -> list[Import]:
    """Every absolute import in a file, at any depth (inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, ("",), node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(Import(node.module, tuple(a.name for a in node.names), node.lineno))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] in ("services", "components") else None


def _layer(root: Path, path: Path) -> str:
    rel = path.relative_to(root)
    return "app" if rel == Path("app.py") else rel.parts[0]


# ---------------------------------------------------------------- rules


def layer_violations(root: Path) -> list[str]:
    """app/pages -> components -> services -> db, never back up."""
    out = []
    for path in source_files(root, "app.py", "pages", "components", "services", "db"):
        layer = _layer(root, path)
        for imp in imports(path):
            top = _top(imp.module)
            if top in PROJECT and top not in LAYERS[layer] and top != layer:
                out.append(f"{path.relative_to(root)}:{imp.line} ({layer}) imports {imp.module}")
    return out


def ui_violations(root: Path, mapped: set[str]) -> list[str]:
    """Pages and components hold no Session and no ORM object; the domain holds no Streamlit."""
    out = []
    for path in source_files(root, "app.py", "pages", "components"):
        for imp in imports(path):
            where = f"{path.relative_to(root)}:{imp.line}"
            if _top(imp.module) == "sqlalchemy" or imp.module == "db.session":
                out.append(f"{where} imports {imp.module}")
            elif imp.module.startswith("db.models"):
                out.extend(f"{where} takes the mapped class {n}" for n in imp.names if n in mapped)
    for path in source_files(root, "services", "db"):
        for imp in imports(path):
            if _top(imp.module) in ("streamlit", "streamlit_calendar"):
                out.append(f"{path.relative_to(root)}:{imp.line} imports {imp.module}")
    return out


def room_violations(root: Path) -> list[str]:
    """Rooms use only the rooms the allowed maps name."""
    out = []
    for path in source_files(root, "services"):
        room = _room(module_name(root, path))
        if room is None:
            continue
        allowed = SERVICE_ROOMS.get(room)
        if allowed is None:
            out.append(f"{path.relative_to(root)}: room '{room}' is not in the allowed map")
            continue
        for imp in imports(path):
            other = _room(imp.module) if _top(imp.module) == "services" else None
            if other and other != room and other not in allowed:
                out.append(f"{path.relative_to(root)}:{imp.line} ({room}) uses {imp.module}")
    for path in source_files(root, "components"):
        room = _room(module_name(root, path))
        if room is None:
            continue
        if room not in COMPONENT_ROOMS:
            out.append(f"{path.relative_to(root)}: room '{room}' is not in the allowed map")
            continue
        services_ok, components_ok = COMPONENT_ROOMS[room]
        for imp in imports(path):
            top, other = _top(imp.module), _room(imp.module)
            bad = (top == "services" and other and other not in services_ok) or (
                top == "components" and other and other != room and other not in components_ok
            )
            if bad:
                out.append(f"{path.relative_to(root)}:{imp.line} ({room}) uses {imp.module}")
    return out


def _import_graph(root: Path) -> dict[str, set[str]]:
    files = source_files(root, "app.py", "pages", "components", "services", "db")
    modules = {module_name(root, p): p for p in files}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for imp in imports(path):
            for taken in imp.names:
                target = f"{imp.module}.{taken}" if f"{imp.module}.{taken}" in modules else None
                target = target or (imp.module if imp.module in modules else None)
                if target and target != name:
                    graph[name].add(target)
    return graph


def circles(root: Path) -> list[str]:
    """Groups of modules that import each other, directly or round a loop (Tarjan)."""
    graph = _import_graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[str] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(" <-> ".join(sorted(group)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def private_imports(root: Path) -> list[str]:
    """No module takes another module's underscore names (by import or by attribute)."""
    out = []
    for path in source_files(root, "app.py", "pages", "components", "services", "db", "manage.py"):
        me = module_name(root, path)
        tree = ast.parse(path.read_text())
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if _top(node.module) not in PROJECT or node.module == me:
                    continue
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        out.append(f"{path.relative_to(root)}:{node.lineno} takes {a.name}")
                    aliases.add(a.asname or a.name)
            elif isinstance(node, ast.Import):
                aliases.update(
                    (a.asname or a.name).split(".")[0]
                    for a in node.names
                    if _top(a.name) in PROJECT
                )
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                out.append(
                    f"{path.relative_to(root)}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    return out


def transaction_violations(root: Path) -> list[str]:
    """session_scope and read_scope only where a transaction may be opened."""
    out = []
    for path in source_files(root, *PROJECT_FILES):
        rel = path.relative_to(root)
        if transaction_owner(rel):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            named = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else None
            )
            taken = (
                [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom | ast.Import)
                else []
            )
            if named in TRANSACTIONS or set(taken) & set(TRANSACTIONS):
                out.append(f"{rel}:{node.lineno} opens a transaction outside an actions module")
                break
    return out


PROJECT_FILES = ("app.py", "manage.py", "pages", "components", "services", "db")


def _mapped_in(hint, is_mapped, seen: set) -> list[str]:
    """Mapped classes reachable from a type hint, through generics and dataclass fields."""
    import dataclasses
    import typing

    if id(hint) in seen:
        return []
    seen.add(id(hint))
    if isinstance(hint, type) and is_mapped(hint):
        return [hint.__name__]
    found = []
    for arg in typing.get_args(hint):
        found += _mapped_in(arg, is_mapped, seen)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        for field_hint in typing.get_type_hints(hint).values():
            found += _mapped_in(field_hint, is_mapped, seen)
    return found


def plain_result_violations(modules, is_mapped) -> list[str]:
    """Every public action is annotated and hands back no ORM object."""
    import inspect
    import typing

    out = []
    for module in modules:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(fn)
            if "return" not in hints:
                out.append(f"{module.__name__}.{name} has no return annotation")
                continue
            for cls in _mapped_in(hints["return"], is_mapped, set()):
                out.append(f"{module.__name__}.{name} hands back the ORM class {cls}")
    return out


TEXT_FIELDS = ("text_input", "text_area")


def unlimited_text_fields(root: Path) -> list[str]:
    """Every text field is limited to its column's length (max_chars); one that shows a saved
    value uses forms.fit, so a longer saved value is shown whole, never cut short."""
    out = []
    for path in source_files(root, "app.py", "pages", "components"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TEXT_FIELDS
            ):
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            kw = {k.arg: k.value for k in node.keywords}
            value = node.args[1] if len(node.args) > 1 else kw.get("value")
            limit = kw.get("max_chars")
            fitted = isinstance(limit, ast.Call) and getattr(limit.func, "id", "") == "fit"
            if limit is None:
                out.append(f"{where} has no max_chars")
            elif value is not None and not isinstance(value, ast.Constant) and not fitted:
                out.append(f"{where} shows a saved value: use max_chars=fit(limit, value)")
    return out


# Streamlit calls whose first argument (or label=) is what a screen reader announces.
LABELED = (
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "popover",
    "text_input",
    "text_area",
    "number_input",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "date_input",
    "time_input",
    "datetime_input",
    "slider",
    "select_slider",
    "file_uploader",
    "segmented_control",
    "pills",
    "color_picker",
    "camera_input",
    "chat_input",
    "expander",
)


def _blank(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and not node.value.strip()


def unnamed_controls(root: Path) -> list[str]:
    """Every field, button and section has a label a screen reader can say: no empty label
    (label_visibility="collapsed" hides a label from sight, not from the screen reader),
    none hidden with "hidden", and a link's label when it is given is not empty."""
    out = []
    for path in source_files(root, "app.py", "pages", "components"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            kw = {k.arg: k.value for k in node.keywords}
            where = f"{path.relative_to(root)}:{node.lineno}"
            name = node.func.attr
            if name in LABELED:
                label = node.args[0] if node.args else kw.get("label")
                if label is None and name != "chat_input" or _blank(label):
                    out.append(f"{where} {name} has no label")
            elif name == "page_link" and _blank(kw.get("label")):
                out.append(f"{where} page_link has an empty label")
            hidden = kw.get("label_visibility")
            if isinstance(hidden, ast.Constant) and hidden.value == "hidden":
                out.append(f'{where} {name} hides its label (use "collapsed")')
    return out


# Tables drawn on a canvas, and CareDesk's helpers that draw one (they pass `alt` on).
CANVAS_TABLES = ("dataframe", "data_editor", "show_table", "pick_row", "table")


def tables_without_alt(root: Path) -> list[str]:
    """Every dataframe is named for a screen reader (`alt=`): st.dataframe and
    st.data_editor draw on a canvas a screen reader cannot read. st.table is HTML (needs
    no alt), so `.table(` on Streamlit is left alone; the rooms' own `table(...)` helpers
    draw dataframes and are held to it."""
    out = []
    for path in source_files(root, "app.py", "pages", "components"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute):
                name = func.attr if func.attr != "table" else ""
            else:
                name = getattr(func, "id", "")
            if name not in CANVAS_TABLES:
                continue
            alt = next((k.value for k in node.keywords if k.arg == "alt"), None)
            if alt is None or _blank(alt):
                out.append(f"{path.relative_to(root)}:{node.lineno} {name} has no alt text")
    return out
