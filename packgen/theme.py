"""The template search path, the Jinja environment and the theme's stylesheet.

Templates are looked up in the user's folders first (``--templates DIR``, then
the meeting's ``templates/``), then in the built-in theme; ``!theme/NAME``
always names the built-in one, so an override can extend it and replace one
block. Every template is checked, as it loads, for HTML outside the subset the
typesetter lays out, so the problem names the template file and line.

Templates come from pull requests as much as from officers, so they run in Jinja's
immutable sandbox: no Python internals (``__class__``, ``__globals__``), no
changing the data they are given. An officer's template using a name that starts
with ``_`` is refused as it loads (so ``validate`` finds it too); the sandbox stops
the rest as it renders. A template file (or an officer's ``style.yaml``) is loaded only
if its real path (links followed) lies inside the repository root, the ``--templates``
folder or the theme.
``--trusted-templates`` turns the sandbox off; the path rule stays.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime
import jinja2.sandbox
from jinja2 import nodes
from jinja2.loaders import split_template_path

from packgen.builtin import theme_dir, theme_yaml
from packgen.errors import Position, Problem, TemplateError, ValidationError
from packgen.filerefs import inside
from packgen.sandbox import Sandbox, bound_filters
from packgen.settings_model import HouseStyle
from packgen.subset import attribute_problem, missing_problem, tag_problem

WEB_TEMPLATES = "web/"
"""Templates under web/ are web pages (the HTML agenda), outside the typeset subset."""
SITE_TEMPLATES = "site/"
"""Whole web pages of ``packgen site`` (:mod:`packgen.site.pages`), not laid out by us."""


_JINJA_SYNTAX = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_NAME = re.compile(r"<[A-Za-z][A-Za-z0-9]*")
_ATTRIBUTE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")


def check_markup(source: str, file: Path) -> list[Problem]:
    """Problems with the literal HTML of a template: tags or attributes outside the subset,
    or an attribute a tag needs (an image's ``alt``) missing.

    A value Jinja fills in is checked once rendered (:mod:`packgen.htmltree`); a literal
    one is checked here already, by the same rule.
    """
    # Blank out Jinja syntax, keeping offsets, so positions stay true to the file.
    plain = _JINJA_SYNTAX.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), source)
    starts = [0] + [i + 1 for i, ch in enumerate(plain) if ch == "\n"]
    problems = []
    for line, column, tag, text in _start_tags(plain):
        refused = tag_problem(tag)
        if refused is None:
            name = _NAME.match(text)
            assert name is not None  # the parser found a start tag here
            offset = starts[line - 1] + column + name.end()
            attrs = list(_ATTRIBUTE.finditer(text[name.end():-1].rstrip("/")))
            messages = [attribute_problem(tag, attr[1].lower(), _literal(attr, offset, source))
                        for attr in attrs]
            messages.append(missing_problem(tag, {attr[1].lower() for attr in attrs}))
        else:
            messages = [refused]  # its attributes mean nothing then
        problems += [Problem(Position(file, line, column + 1), m) for m in messages if m]
    return problems


class _StartTags(HTMLParser):
    """Where each start tag is, read as the rendered HTML will be read (a ``>`` inside a
    quoted value does not end the tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        self.found.append((line, column, tag, self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _start_tags(plain: str) -> list[tuple[int, int, str, str]]:
    """(line, column from 0, tag, its text) of each start tag of a template's markup."""
    parser = _StartTags()
    parser.feed(plain)
    parser.close()
    return parser.found


def _literal(attr: re.Match[str], offset: int, source: str) -> str | None:
    """An attribute's value as an HTML parser reads it; None where Jinja writes any of it."""
    if source[offset + attr.start():offset + attr.end()] != attr[0]:
        return None  # blanked Jinja: the value is only known once rendered
    value = attr[3] or ""  # a bare attribute has the empty value
    return html.unescape(value[1:-1] if value[:1] in ("'", '"') else value)


class _CheckedLoader(jinja2.FileSystemLoader):
    """Loads templates from one folder, only those whose real path lies in ``allowed``.

    ``sandboxed``: the officer's folder, whose templates may not name Python internals.
    """

    def __init__(self, folder: Path, allowed: Sequence[Path], sandboxed: bool) -> None:
        super().__init__(str(folder))
        self.allowed = tuple(a.resolve() for a in allowed)
        self.sandboxed = sandboxed

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        # Checked before the file is opened: a link to /dev/zero or a named pipe would
        # never finish being read.
        path = Path(self.searchpath[0], *split_template_path(template))
        if path.exists():
            if not any(inside(path.resolve(), a) for a in self.allowed):
                raise TemplateError([Problem(Position(path), "the template is a link to a "
                                             "file outside the repository; templates must "
                                             "lie inside it")])
            if not path.is_file():
                raise TemplateError([Problem(Position(path), "the template is not a regular "
                                             "file")])
            # Only .html files are templates, whatever they are called or linked as: an
            # include must never print a meeting's own files (an exempt report's YAML).
            if path.resolve().suffix.lower() != ".html":
                raise TemplateError([Problem(Position(path), "the template is not an .html "
                                             "file (or is a link to one that is not); only "
                                             ".html files are templates")])
        source, filename, uptodate = super().get_source(environment, template)
        if template.startswith((WEB_TEMPLATES, SITE_TEMPLATES)):
            problems = []  # whole web pages, not laid out by us
        else:
            problems = check_markup(source, Path(filename))
        if self.sandboxed and isinstance(environment, jinja2.sandbox.SandboxedEnvironment):
            problems += private_names(environment.parse(source, template, filename),
                                      Path(filename))
        if problems:
            raise TemplateError(problems)
        return source, filename, uptodate


def private_names(tree: nodes.Template, file: Path) -> list[Problem]:
    """Attributes starting with "_" named in a template: the way out of any sandbox."""
    found = [(n.lineno, n.attr) for n in tree.find_all(nodes.Getattr)
             if n.attr.startswith("_")]
    found += [(n.lineno, n.arg.value) for n in tree.find_all(nodes.Getitem)
              if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)
              and n.arg.value.startswith("_")]
    return [Problem(Position(file, line, 1), f'"{name}": names starting with "_" are not '
                    "allowed in templates (they reach Python's internals; see "
                    "--trusted-templates)") for line, name in sorted(found)]


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates, kept for the life of the process: every environment made here
    (one per meeting; a typesetting process that warmed the theme's templates before its
    meeting came, :func:`packgen.render.warm_templates`) compiles a template once.

    Jinja keys each entry by the template's name and file and loads it only when the
    file's text is what was compiled. One store per kind of environment, since the
    sandbox compiles some operations differently; the filters' kinds, which the code also
    depends on, are the same in every environment made here."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = {False: _Compiled(), True: _Compiled()}
"""The store of sandboxed environments' templates, and of trusted ones'."""


def environment(user_dirs: Sequence[tuple[Path, Sequence[Path]]],
                filters: dict[str, Callable[..., Any]], *, trusted: bool = False
                ) -> jinja2.Environment:
    """A Jinja environment over the user's template folders and the built-in theme.

    ``user_dirs`` pairs each folder with the folders its templates' real paths must lie
    in. Unless ``trusted``, templates render in Jinja's immutable sandbox.
    """
    theme = theme_dir()
    builtin = _CheckedLoader(theme, [theme], sandboxed=False)
    loader = jinja2.ChoiceLoader([
        *(_CheckedLoader(d, allowed, sandboxed=True) for d, allowed in user_dirs
          if d.is_dir()),
        builtin,
        jinja2.PrefixLoader({"!theme": builtin}, delimiter="/"),
    ])
    kind = jinja2.Environment if trusted else Sandbox
    env = kind(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
               bytecode_cache=_COMPILED[trusted])
    env.filters.update(filters)
    if not trusted:
        bound_filters(env)
    return env


@dataclass(frozen=True)
class Stylesheet:
    """The theme's look: page geometry, font families and styles by tag and class."""

    folder: Path
    page: dict[str, Any]
    fonts: dict[str, dict[str, Path]]
    colours: dict[str, str]
    styles: dict[str, dict[str, Any]]

    def font_file(self, family: str, variant: str) -> Path:
        return self.fonts[family][variant]


def load_stylesheet(house: HouseStyle | None = None, folders: Sequence[Path] = (),
                    root: Path | None = None) -> Stylesheet:
    """The theme's stylesheet; over it the house style (``style:`` in packgen.yaml or the
    meeting); over that each ``style.yaml`` in ``folders``, the officer's template folders,
    the first winning (``--templates``, then the meeting's ``templates/``): the folder
    nearest the meeting says last. Their files must lie inside ``root``.

    Raises :class:`~packgen.errors.ValidationError` for a ``style.yaml`` that is wrong,
    every problem at its line.
    """
    from packgen.style_override import fill_variants, merge, read_override

    folder = theme_dir()
    data = theme_yaml("style.yaml")
    data["fonts"] = {family: {variant: folder / file for variant, file in files.items()}
                     for family, files in data["fonts"].items()}
    data = merge(data, _house(house or HouseStyle()))
    problems = []
    for path in [d / "style.yaml" for d in reversed(folders) if (d / "style.yaml").is_file()]:
        # --templates may lie outside the repository: its fonts then lie in it, and its
        # style.yaml may be a link within it, as its templates may (theme.environment).
        outside = root is None or not inside(path.absolute(), root.absolute())
        within = path.parent if outside or root is None else root
        allowed = [within, *([root] if root is not None else [])]
        if not any(inside(path.resolve(), a.resolve()) for a in allowed):
            problems.append(Problem(Position(path), "style.yaml is a link to a file outside "
                                    "the repository; like templates, it must lie inside it"))
            continue
        try:
            data = merge(data, read_override(path, data, within))
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    return Stylesheet(folder, data["page"], fill_variants(data["fonts"]), data["colours"],
                      data["styles"])


def _house(house: HouseStyle) -> dict[str, Any]:
    """What the house style sets, in the stylesheet's own shape."""
    page: dict[str, Any] = {}
    if house.page_size:
        page["size"] = house.page_size
    if house.margins_mm:
        page["margin_mm"] = dict(house.margins_mm)
    over: dict[str, Any] = {"page": page, "colours": dict(house.colours)}
    if house.fonts:
        chosen = dict(house.fonts)
        # Variants the house does not give fall back to its regular face.
        over["fonts"] = {"body": {variant: chosen.get(variant, chosen["regular"])
                                  for variant in ("regular", "bold", "italic", "bold_italic")}}
    return over
