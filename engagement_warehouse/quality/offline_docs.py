"""Data Docs that open offline: every stylesheet and script GX loads from a CDN, shipped with them.

GX 1.24.1's page templates (great_expectations/render/view/templates: page.j2, index_page.j2,
js_script_imports.j2) load Bootstrap, bootstrap-table, bootstrap-datepicker, bootstrap-dark,
Font Awesome, jQuery, Popper and Vega from five CDNs; without the network a page shows unstyled,
with no validation list (bootstrap-table builds it). After GX writes the site, `make_offline`
copies those files from the npm packages pinned in docs_assets/package.json (and its lock file;
`make quality-assets` installs them with `npm ci` into docs_assets/node_modules) into
`static/vendor/` of the site, and points every <link> and <script> at them with a relative path.
PyPI has no package of most of these at GX's versions (XStatic's Bootstrap-Datepicker is 1.4,
there is no bootstrap-table or bootstrap-dark), hence npm.

`ASSETS` maps each URL GX uses to its package, version and file, the same versions as the URLs
except Vega: GX asks for the newest vega@5, vega-lite@5 and vega-embed@6, pinned here to the
newest of those majors when pinned (5.33.1, 5.23.0, 6.29.0). Where GX gives a Subresource
Integrity hash (Bootstrap's and Popper's scripts), the local file must match it; the attribute
is then dropped (a file:// page cannot make the CORS request it needs). The logo GX takes from
its S3 bucket (an <img> and a CSS background) becomes the file GX ships in the site's
static/images (logo-long.png for full_logo_dark.png, which GX does not ship).

A link or script to any other http(s) URL (a GX upgrade adding one) stops the checkpoint with
one line naming the URL and the page: add it to ASSETS and package.json.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "docs_assets"
ENV_VAR = "QUALITY_DOCS_ASSETS"  # another node_modules folder, e.g. of a deployment
VENDOR = Path("static") / "vendor"
INSTALL_HINT = "run `make quality-assets` (npm ci of engagement_warehouse/quality/docs_assets)"


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    file: str
    # folders beside the file that it reads (Font Awesome's CSS reads ../webfonts)
    with_folders: tuple[str, ...] = ()


ASSETS: dict[str, Asset] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        Asset("bootstrap", "4.3.1", "dist/css/bootstrap.min.css"),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        Asset("bootstrap", "4.3.1", "dist/js/bootstrap.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        Asset("bootstrap-table", "1.19.1", "dist/bootstrap-table.min.css"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        Asset("bootstrap-table", "1.19.1", "dist/bootstrap-table.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        Asset("bootstrap-table", "1.19.1", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"),
    # GX takes the filter-control stylesheet from 1.19.0 (an alias package in package.json)
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        Asset("bootstrap-table-1.19.0", "1.19.0", "dist/extensions/filter-control/bootstrap-table-filter-control.css"),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        Asset("bootstrap-table-1.19.0", "1.19.0",
              "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        Asset("bootstrap-datepicker", "1.9.0", "dist/css/bootstrap-datepicker.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        Asset("bootstrap-datepicker", "1.9.0", "dist/js/bootstrap-datepicker.min.js"),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        Asset("@forevolve/bootstrap-dark", "1.1.0", "dist/css/bootstrap-prefers-dark.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        Asset("@fortawesome/fontawesome-free", "6.6.0", "css/all.min.css", with_folders=("webfonts",)),
    "https://code.jquery.com/jquery-3.7.1.min.js": Asset("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        Asset("popper.js", "1.12.9", "dist/umd/popper.min.js"),
    "https://cdn.jsdelivr.net/npm/vega@5": Asset("vega", "5.33.1", "build/vega.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": Asset("vega-lite", "5.23.0", "build/vega-lite.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": Asset("vega-embed", "6.29.0", "build/vega-embed.min.js"),
}
# GX's logo from its S3 bucket (with a cache-busting ?d=...): GX ships the same image in static/images
IMAGE = re.compile(r"""https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/([\w.-]+\.png)(\?[^"']*)?""")
IMAGES = Path("static") / "images"
# the one S3 image GX does not ship: its long logo, dark on light like logo-long.png
IMAGE_STAND_INS = {"full_logo_dark.png": "logo-long.png"}

# a <link ...> or <script ...> start tag, and the URL of its href or src
TAG = re.compile(r"<(?:link|script)\b[^>]*>", re.I)
URL_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*["'](https?://[^"']+)["']""", re.I)
SRI_ATTRIBUTES = re.compile(r"""\s+(?:integrity|crossorigin)\s*=\s*["'][^"']*["']""", re.I)
INTEGRITY = re.compile(r"""\bintegrity\s*=\s*["']([^"']+)["']""", re.I)


class OfflineDocsError(Exception):
    """The assets are missing, not the pinned ones, or a page loads one not in ASSETS."""


def node_modules() -> Path:
    return Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else ASSETS_DIR / "node_modules"


def make_offline(docs_dir: Path, modules: Path | None = None) -> int:
    """Copy the assets into the site and rewrite its pages to them; returns the pages rewritten."""
    modules = modules or node_modules()
    pages = sorted(docs_dir.glob("**/*.html"))
    used = {url for page in pages for url in _remote_urls(page.read_text(encoding="utf-8"))}
    unknown = sorted(used - set(ASSETS))
    if unknown:
        page = next(p for p in pages if unknown[0] in p.read_text(encoding="utf-8"))
        raise OfflineDocsError(f"{page.relative_to(docs_dir)} loads {unknown[0]}, which is not in ASSETS of "
                               f"{Path(__file__).name}: add it there and to docs_assets/package.json")
    for url in sorted(used):
        _copy(ASSETS[url], modules, docs_dir)
    for page in pages:
        _rewrite(page, docs_dir)
    return len(pages)


def remote_references(html: str) -> list[str]:
    """The http(s) URLs of the <link> and <script> tags of a page (an offline page has none)."""
    return _remote_urls(html)


def _remote_urls(html: str) -> list[str]:
    return [m.group(1) for tag in TAG.findall(html) if (m := URL_ATTRIBUTE.search(tag))]


def _source(asset: Asset, modules: Path) -> Path:
    package = modules / asset.package
    try:
        installed = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except OSError:
        raise OfflineDocsError(f"Data Docs assets: {asset.package} is not in {modules}: {INSTALL_HINT}") from None
    if installed != asset.version:
        raise OfflineDocsError(f"Data Docs assets: {asset.package} {installed} in {modules}, {asset.version} "
                               f"expected: {INSTALL_HINT}")
    return package


def _copy(asset: Asset, modules: Path, docs_dir: Path) -> None:
    package = _source(asset, modules)
    target = docs_dir / VENDOR / asset.package
    (target / asset.file).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package / asset.file, target / asset.file)
    for folder in asset.with_folders:
        shutil.copytree(package / folder, target / folder, dirs_exist_ok=True)


def local_path(url: str) -> Path:
    """Where an asset lives in the site, relative to the site's root."""
    asset = ASSETS[url]
    return VENDOR / asset.package / asset.file


def _rewrite(page: Path, docs_dir: Path) -> None:
    html = page.read_text(encoding="utf-8")
    to_root = Path(os.path.relpath(docs_dir, page.parent))

    def local(tag: re.Match) -> str:
        text = tag.group(0)
        found = URL_ATTRIBUTE.search(text)
        if not found:
            return text
        url = found.group(1)
        integrity = INTEGRITY.search(text)
        if integrity:
            _check_integrity(docs_dir / local_path(url), integrity.group(1), url)
        text = SRI_ATTRIBUTES.sub("", text)
        return text.replace(url, (to_root / local_path(url)).as_posix())

    html = TAG.sub(local, html)
    def image(found: re.Match) -> str:
        name = IMAGE_STAND_INS.get(found.group(1), found.group(1))
        return (to_root / IMAGES / name).as_posix() if (docs_dir / IMAGES / name).is_file() else found.group(0)

    html = IMAGE.sub(image, html)
    page.write_text(html, encoding="utf-8")


def _check_integrity(path: Path, integrity: str, url: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, path.read_bytes()).digest()).decode()
    if digest != expected:
        raise OfflineDocsError(f"Data Docs assets: {path} is not the file GX pins for {url} ({integrity})")
