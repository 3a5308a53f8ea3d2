"""The layout rules of docs/architecture.md, checked on the source (tests/architecture_rules.py).

Each rule runs on CareDesk (no violations) and on a small fake tree that breaks it on
purpose (the rule must notice), so a rule that silently stopped working would fail here.
"""

import ast
import importlib
import textwrap
from pathlib import Path

import pytest

from tests import architecture_rules as rules

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


def _python_files(folder: str):
    return rules.source_files(ROOT, folder)


def _mapped_names() -> set[str]:
    import db.models as models
    from db.base import Base

    return {n for n, v in vars(models).items() if isinstance(v, type) and issubclass(v, Base)}


def _actions_modules():
    paths = [
        p
        for p in rules.source_files(ROOT, "services")
        if p.stem == "actions" or "actions" in p.relative_to(ROOT).parts[2:-1]
    ]
    return [importlib.import_module(rules.module_name(ROOT, p)) for p in paths]


def _is_mapped(cls) -> bool:
    from db.base import Base

    return issubclass(cls, Base)


def test_layers_import_one_way():
    assert rules.layer_violations(ROOT) == []


def test_pages_and_components_hold_no_session_and_no_orm_object():
    assert rules.ui_violations(ROOT, _mapped_names()) == []


def test_rooms_use_only_the_rooms_the_map_allows():
    assert rules.room_violations(ROOT) == []


def test_no_import_circles():
    assert rules.circles(ROOT) == []


def test_no_module_takes_another_modules_private_names():
    assert rules.private_imports(ROOT) == []


def test_transactions_are_opened_only_by_actions():
    assert rules.transaction_violations(ROOT) == []


def test_actions_hand_back_plain_values():
    modules = _actions_modules()
    assert len(modules) >= 5, "every room has its actions"
    assert rules.plain_result_violations(modules, _is_mapped) == []


def test_every_room_says_what_it_is_for():
    for folder in ("services", "components"):
        for init in sorted((ROOT / folder).glob("*/__init__.py")):
            doc = ast_docstring(init)
            assert doc and "TODO" not in doc, f"{init.relative_to(ROOT)} needs a docstring"


def ast_docstring(path: Path) -> str | None:
    return ast.get_docstring(ast.parse(path.read_text()))


# ---------------------------------------------------------------- each rule catches a violation


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return tmp_path


def test_a_service_importing_a_component_is_caught(tmp_path):
    root = _tree(tmp_path, {"services/core/audit.py": "from components.shared import nav\n"})
    assert rules.layer_violations(root)


def test_a_component_with_a_session_or_a_model_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "components/shared/a.py": "from db.session import session_scope\n",
            "components/shared/b.py": "from db.models import Patient, TaskStatus\n",
            "components/shared/c.py": "from sqlalchemy import select\n",
            "services/core/d.py": "import streamlit as st\n",
        },
    )
    found = rules.ui_violations(root, {"Patient"})
    assert len(found) == 4 and not any("TaskStatus" in f for f in found)


def test_a_room_using_a_higher_room_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "services/patients/registry.py": "from services.care_plans import plans\n",
            "services/newroom/x.py": "",
            "components/scheduling/v.py": "from services.intake import actions\n",
            "components/contacts/w.py": "from components.care_plans import goals\n",
            "services/care_plans/ok.py": "from services.intake import actions\n",
        },
    )
    found = rules.room_violations(root)
    assert len(found) == 4 and not any("ok.py" in f for f in found)


def test_an_import_circle_is_caught_even_inside_a_function(tmp_path):
    root = _tree(
        tmp_path,
        {
            "services/core/a.py": "from services.core import b\n",
            "services/core/b.py": "def f():\n    from services.core.a import x\n",
            "services/core/c.py": "from services.core import a\n",
        },
    )
    assert rules.circles(root) == ["services.core.a <-> services.core.b"]


def test_a_private_name_taken_from_another_module_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "services/core/a.py": "from services.core.b import _clean\n",
            "services/core/c.py": "from services.core import audit\naudit._plain(1)\n",
            "services/core/d.py": "def _mine():\n    return _mine\n",
        },
    )
    assert len(rules.private_imports(root)) == 2


def test_a_transaction_outside_actions_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "components/patients/x.py": "from db.session import session_scope\n",
            "services/intake/intake.py": "def f(db):\n    with db.read_scope() as s:\n        pass\n",
            "services/intake/actions.py": "from db.session import session_scope\n",
            "services/care_plans/actions/goals.py": "from db.session import read_scope\n",
            "services/demo/seed.py": "from db.session import session_scope\n",
            "manage.py": "from db.session import session_scope\n",
        },
    )
    found = rules.transaction_violations(root)
    assert [f.split(":")[0] for f in found] == [
        "components/patients/x.py",
        "services/intake/intake.py",
    ]


def test_an_action_handing_back_an_orm_object_is_caught():
    import types
    from dataclasses import dataclass

    class Row:  # stands in for a mapped class
        pass

    @dataclass(frozen=True)
    class View:
        rows: list[Row]

    fake = types.ModuleType("fake_actions")

    def gives_row() -> Row: ...

    def gives_view() -> View: ...

    def gives_nested() -> dict[str, list[Row]]: ...

    def gives_plain() -> list[dict]: ...

    def unannotated(): ...

    for fn in (gives_row, gives_view, gives_nested, gives_plain, unannotated):
        fn.__module__ = "fake_actions"
        setattr(fake, fn.__name__, fn)
    found = rules.plain_result_violations([fake], lambda cls: cls is Row)
    assert sorted(f.split(" ")[0] for f in found) == [
        "fake_actions.gives_nested",
        "fake_actions.gives_row",
        "fake_actions.gives_view",
        "fake_actions.unannotated",
    ]


@pytest.mark.parametrize("path", [ROOT / "app.py", *PAGE_FILES], ids=lambda p: p.name)
def test_every_page_starts_with_the_guard(path):
    tree = ast.parse(path.read_text())
    body = [
        n
        for n in tree.body
        if not isinstance(n, ast.Import | ast.ImportFrom)
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    first = body[0]
    call = first.value if isinstance(first, ast.Assign | ast.Expr) else None
    assert isinstance(call, ast.Call) and getattr(call.func, "id", None) == "page_setup", (
        f"{path.name}: the first statement must be page_setup(...)"
    )


def test_no_shared_caches_anywhere():
    """st.cache_data/resource are shared by every user (DESIGN.md §3.2): none hold data here."""
    for folder in ("pages", "components"):
        for path in _python_files(folder):
            text = path.read_text()
            assert "cache_data" not in text and "cache_resource" not in text, path.name
    assert "cache_" not in (ROOT / "app.py").read_text()


def test_every_text_field_is_limited_to_its_column():
    assert rules.unlimited_text_fields(ROOT) == []


def test_an_unlimited_or_cutting_text_field_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "components/shared/a.py": """
                import streamlit as st
                st.text_input("Name")
                st.text_area("Notes", value=saved, max_chars=200)
                st.text_input("City", value=saved, max_chars=fit(100, saved))
                st.text_input("Search", max_chars=100)
            """,
        },
    )
    assert [v.split(" ", 1)[1] for v in rules.unlimited_text_fields(root)] == [
        "has no max_chars",
        "shows a saved value: use max_chars=fit(limit, value)",
    ]


def test_every_field_button_and_section_is_named():
    assert rules.unnamed_controls(ROOT) == []


def test_an_unnamed_control_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "components/shared/a.py": """
                import streamlit as st
                st.button("", icon=":material/delete:")
                st.text_input(" ", max_chars=10)
                st.selectbox("Staff", [], label_visibility="hidden")
                st.page_link("app.py", label="")
                st.selectbox("Staff", [], label_visibility="collapsed")
                st.button("Delete", icon=":material/delete:")
            """,
        },
    )
    assert [v.split(" ", 1)[1] for v in rules.unnamed_controls(root)] == [
        "button has no label",
        "text_input has no label",
        'selectbox hides its label (use "collapsed")',
        "page_link has an empty label",
    ]


def test_every_dataframe_is_named_for_a_screen_reader():
    assert rules.tables_without_alt(ROOT) == []


def test_a_dataframe_without_alt_text_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            "components/shared/a.py": """
                import streamlit as st
                st.dataframe(rows, hide_index=True)
                st.data_editor(rows, alt="")
                show_table(rows)
                st.table(rows)
                st.dataframe(rows, alt="Overdue tasks")
                table(rows, "None yet.", alt="Goals")
            """,
        },
    )
    assert [v.split(" ", 1)[1] for v in rules.tables_without_alt(root)] == [
        "dataframe has no alt text",
        "data_editor has no alt text",
        "show_table has no alt text",
    ]


def test_no_unsafe_html():
    for path in [ROOT / "app.py", *_python_files("pages"), *_python_files("components")]:
        assert "unsafe_allow_html" not in path.read_text(), path.name


def test_config_hardening():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["showSidebarNavigation"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["maxUploadSize"] <= 50


def test_every_page_is_in_the_navigation():
    from components.shared.nav import PAGES

    listed = {p.path for p in PAGES}
    for path in PAGE_FILES:
        assert f"pages/{path.name}" in listed, path.name


def test_ruff_is_clean():
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    assert ruff, "ruff is in requirements.txt"
    lint = subprocess.run(
        [ruff, "check", "--quiet", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [ruff, "format", "--check", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout
