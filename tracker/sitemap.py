"""Files for search engines: sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tracker.render import RenderedPage, SitePages
from tracker.views import SiteModel


def site_files(model: SiteModel, pages: SitePages) -> list[RenderedPage]:
    """Return sitemap.xml and robots.txt for a site; a preview asks not to be indexed."""
    return [RenderedPage("sitemap.xml", sitemap_xml(model, pages)), RenderedPage("robots.txt", robots_txt(model))]


def sitemap_xml(model: SiteModel, pages: SitePages) -> str:
    """Return a sitemap listing every page's absolute URL."""
    base = model.settings.base_url
    entries = "".join(f"<url><loc>{escape(base + url)}</loc></url>\n" for url in pages.urls())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'


def robots_txt(model: SiteModel) -> str:
    """Return robots.txt: everything allowed, or nothing for a deploy preview."""
    if model.preview:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {model.settings.base_url}/sitemap.xml\n"
