"""The layout rules of DESIGN.md §2–3, checked on the source with ast."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("pages", "components", "services", "db")
# layer -> project packages it may import
ALLOWED = {
    "app": {"components", "services", "db"},
    "pages": {"components", "services", "db"},
    "components": {"components", "services", "db"},
    "services": {"services", "db"},
    "db": {"db"},
}
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


def _python_files(folder: str):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations/versions" not in str(p))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", ["app", *LAYERS])
def test_imports_point_one_way(layer):
    files = [ROOT / "app.py"] if layer == "app" else _python_files(layer)
    for path in files:
        project = _imports(path) & {
            "pages",
            "components",
            "services",
            "db",
            "app",
            "manage",
            "tests",
        }
        extra = project - ALLOWED[layer]
        assert not extra, f"{path.relative_to(ROOT)} imports {extra}"


@pytest.mark.parametrize("layer", ["services", "db"])
def test_domain_and_data_never_import_streamlit(layer):
    for path in _python_files(layer):
        assert not {"streamlit", "streamlit_calendar"} & _imports(path), path.relative_to(ROOT)


def test_components_never_open_a_session_except_the_guard_family():
    """Components return plain data; only the sign-in and admin pieces talk to services directly."""
    for path in _python_files("components"):
        assert "session_scope" not in path.read_text() or path.stem in _COMPONENTS_WITH_SESSIONS, (
            path.name
        )


# Pieces that are whole page sections (sign-in, first run, admin panels, the calendar's
# dialogs and work lists, the Patients page's three views) rather than widgets.
_COMPONENTS_WITH_SESSIONS = {
    "guard",
    "signin",
    "firstrun",
    "system",
    "users",
    "instrument_admin",
    "template_admin",
    "dialogs",
    "work_lists",
    "register",
    "record",
    "search",
}


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
