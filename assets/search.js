// Progressive enhancement for /search/: without this script the page lists the site's
// indexes instead. Results are built with DOM methods (no innerHTML), so the strict
// Content-Security-Policy holds; Pagefind's own WebAssembly needs 'wasm-unsafe-eval'.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const results = document.getElementById("search-results");
const fallback = document.getElementById("search-without-script");

function element(tag, text) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  return node;
}

async function runSearch(pagefind, query) {
  results.replaceChildren();
  if (!query.trim()) return;
  const search = await pagefind.search(query);
  const found = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  const heading = element("h2", found.length === 0 ? `No results for “${query}”` : `${search.results.length} result${search.results.length === 1 ? "" : "s"} for “${query}”`);
  results.append(heading);
  const list = element("ol");
  list.className = "search-results";
  for (const item of found) {
    const entry = element("li");
    const link = element("a", item.meta.title || item.url);
    link.href = item.url;
    const title = element("h3");
    title.append(link);
    entry.append(title, element("p", item.excerpt.replace(/<\/?mark>/g, "")));
    list.append(entry);
  }
  results.append(list);
}

async function start() {
  // The index is in parts, one Pagefind bundle each: load the first, merge in the others.
  const [first, ...others] = form.dataset.indexes.split(" ").filter(Boolean);
  if (!first) return;
  const pagefind = await import(`${first}pagefind.js`);
  await pagefind.init();
  // All at once, not one after another: on a slow line each part costs a round trip.
  await Promise.all(
    others.map((other) =>
      // A part missing (the live preview keeps the index of its first build) leaves the others usable.
      pagefind.mergeIndex(other).catch((error) => console.warn(`Search index ${other} could not be loaded`, error)),
    ),
  );
  form.hidden = false;
  fallback.hidden = true;
  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    runSearch(pagefind, input.value);
  });
  await runSearch(pagefind, query);
}

start();
