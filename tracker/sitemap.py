"""Files for search engines: sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tracker.render import RenderedPage, plan_pages
from tracker.views import SiteModel


def site_files(model: SiteModel) -> list[RenderedPage]:
    """Return sitemap.xml and robots.txt for a site; a preview asks not to be indexed."""
    return [RenderedPage("sitemap.xml", sitemap_xml(model)), RenderedPage("robots.txt", robots_txt(model))]


def sitemap_xml(model: SiteModel) -> str:
    """Return a sitemap listing every page's absolute URL."""
    base = model.settings.base_url
    urls = [plan.context["url"] for plan in plan_pages(model) if plan.output_path != "404.html"]
    entries = "".join(f"<url><loc>{escape(base + url)}</loc></url>\n" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'


def robots_txt(model: SiteModel) -> str:
    """Return robots.txt: everything allowed, or nothing for a deploy preview."""
    if model.preview:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {model.settings.base_url}/sitemap.xml\n"
