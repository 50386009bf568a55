"""The site's look: ``site.css`` from the house style's colours, and its logo.

The colours are the theme's (``templates/style.yaml``) with the root ``packgen.yaml``'s
``style.colours`` over them, the same as the packs print; the logo is the root config's
``style.logo``, copied beside the index. The config was checked by the meetings' builds;
here a value that is not usable is passed over, as looks are not worth failing a site for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from packgen.builtin import theme_dir
from packgen.schema import CONFIG_NAME

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class House:
    name: str
    colours: dict[str, str]
    logo: Path | None
    logo_alt: str
    language: str


def house(root: Path) -> House:
    """The organisation's name, colours and logo as the root's ``packgen.yaml`` says."""
    colours = {k: v for k, v in _mapping(_yaml(theme_dir() / "style.yaml").get("colours"))
               .items() if isinstance(v, str) and _COLOUR.fullmatch(v)}
    config = _yaml(root / CONFIG_NAME)
    style = _mapping(config.get("style"))
    colours.update({k: v for k, v in _mapping(style.get("colours")).items()
                    if isinstance(k, str) and isinstance(v, str) and _COLOUR.fullmatch(v)})
    name = config.get("organisation")
    name = name if isinstance(name, str) and name.strip() else root.absolute().name
    logo = style.get("logo")
    found = root / logo if isinstance(logo, str) else None
    alt = style.get("logo_alt")
    language = config.get("language")
    return House(name, colours, found if found is not None and found.is_file() else None,
                 alt if isinstance(alt, str) else f"{name} logo",
                 language if isinstance(language, str) else "en-GB")


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def stylesheet(colours: dict[str, str]) -> bytes:
    """``site.css``: one stylesheet for every page; focus always visible."""
    c = {"text": "#000000", "heading": "#1b2a41", "accent": "#1f4e8c", "rule": "#9a9a9a",
         "shade": "#e6e6e6", "muted": "#555555", **colours}
    return f"""/* packgen site: colours from the house style */
body {{ font-family: "DejaVu Sans", Verdana, sans-serif; color: {c['text']};
       background: #ffffff; margin: 0; line-height: 1.5; }}
header.site, nav, main, footer.site {{ max-width: 50rem; margin: 0 auto; padding: 0 1rem; }}
header.site {{ border-bottom: 4px solid {c['accent']}; padding-top: 0.8rem;
               padding-bottom: 0.8rem; }}
header.site .home {{ display: flex; align-items: center; gap: 0.8rem; color: {c['heading']};
                     font-weight: bold; font-size: 1.2rem; text-decoration: none; }}
header.site img {{ height: 56px; width: auto; }}
header.site {{ display: flex; flex-wrap: wrap; align-items: center;
               justify-content: space-between; gap: 0.5rem 1rem; }}
header.site .language {{ font-weight: bold; }}
h1, h2, h3 {{ color: {c['heading']}; line-height: 1.25; }}
h1 {{ font-size: 1.9rem; margin: 1rem 0; }}
h1 .date {{ display: block; font-size: 1.2rem; font-weight: normal; }}
h2 {{ font-size: 1.4rem; border-bottom: 1px solid {c['rule']}; padding-bottom: 0.2rem; }}
h3 {{ font-size: 1.05rem; margin: 0 0 0.3rem; }}
a {{ color: {c['accent']}; }}
a:hover {{ text-decoration-thickness: 3px; }}
a:focus {{ outline: 3px solid #ffdd00; outline-offset: 0; background: #ffdd00;
           color: #000000; box-shadow: 0 4px #000000; text-decoration: none; }}
main:focus {{ outline: none; }}
.skip {{ position: absolute; left: -10000px; top: 0; padding: 0.5rem 1rem; }}
.skip:focus {{ left: 0; z-index: 1; }}
ol.crumbs {{ list-style: none; padding: 0; margin: 0.6rem 0 0; display: flex;
             flex-wrap: wrap; gap: 0.3rem; font-size: 0.95rem; }}
ol.crumbs li + li::before {{ content: "›"; margin-right: 0.3rem; color: {c['muted']}; }}
dl.details {{ display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }}
dt {{ font-weight: bold; }}
dd {{ margin: 0; }}
ul.meetings, ul.bodies {{ padding-left: 1.2rem; }}
ul.meetings li, ul.bodies li {{ margin: 0.3rem 0; }}
.when {{ color: {c['muted']}; }}
.tag {{ background: {c['shade']}; padding: 0 0.4rem; font-size: 0.9rem; }}
ol.agenda {{ list-style: none; padding: 0; }}
ol.agenda > li {{ border-top: 1px solid {c['rule']}; padding: 0.7rem 0; }}
ul.documents {{ padding-left: 1.2rem; margin: 0.3rem 0; }}
ul.documents li.appendix {{ margin-left: 1.2rem; }}
.exempt {{ font-style: italic; }}
.changes {{ background: {c['shade']}; padding: 0.2rem 1rem 0.6rem; margin: 1rem 0; }}
footer.site {{ border-top: 1px solid {c['rule']}; margin-top: 2rem; color: {c['muted']};
               font-size: 0.9rem; }}
@media (max-width: 30rem) {{ h1 {{ font-size: 1.5rem; }} dl.details {{ display: block; }}
                             dd {{ margin-bottom: 0.4rem; }} }}
""".encode()
