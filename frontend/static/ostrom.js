// Ostrom: enhancements only. Every feature here has a path without
// JavaScript (a Preview button, a plain search form, links for diff views).

const $ = (selector, root = document) => root.querySelector(selector);

// "/" focuses the search box (unless typing somewhere already).
document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, textarea, select, [contenteditable]");
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const box = $("#search-input");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
});

// Print, from the page tools.
for (const button of document.querySelectorAll(".print-button")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Full width: the reader's choice, kept in this browser.
const wide = () => localStorage.getItem("ostrom-full-width") === "1";
document.body.classList.toggle("full-width", wide());
for (const button of document.querySelectorAll(".full-width-button")) {
  button.hidden = false;
  button.setAttribute("aria-pressed", String(wide()));
  button.addEventListener("click", () => {
    localStorage.setItem("ostrom-full-width", wide() ? "0" : "1");
    document.body.classList.toggle("full-width", wide());
    button.setAttribute("aria-pressed", String(wide()));
  });
}

// Suggestions while typing: an ARIA 1.2 combobox over /suggest.
for (const input of document.querySelectorAll("input[data-suggest]")) {
  combobox(input);
}

function combobox(input) {
  const list = document.createElement("ul");
  const id = `${input.id}-suggestions`;
  list.id = id;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.after(list);
  // A combobox is a text input (a search input may not take the role).
  input.type = "text";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", id);
  let items = [];
  let active = -1;
  let timer = 0;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `${id}-${index}`);
    else input.removeAttribute("aria-activedescendant");
  };
  const show = (found) => {
    items = found;
    list.replaceChildren(
      ...found.map((item, i) => {
        const li = document.createElement("li");
        li.id = `${id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const name = document.createElement("bdi");
        name.textContent = item.title;
        li.append(name);
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          window.location.assign(item.url);
        });
        return li;
      }),
    );
    const open = found.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    highlight(-1);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return close();
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const response = await fetch(`/suggest?q=${encodeURIComponent(q)}`, { headers: { accept: "application/json" } });
        if (response.ok && mine === asked) show(await response.json());
      } catch {
        close();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = active + step;
      highlight(next < -1 ? items.length - 1 : next >= items.length ? -1 : next);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].url);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// The edit form: live preview, Ctrl+S, and a warning before leaving
// with unsaved changes.
const form = $("form[data-edit-form]");
if (form) {
  const text = $("textarea[name=markdown]", form);
  const preview = $("[data-live-preview]", form);
  const csrf = $("input[name=csrf]", form).value;
  const initial = text.value;
  let submitting = false;
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && text.value !== initial) event.preventDefault();
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      $("button[value=save]", form).click();
    }
  });
  if (preview) {
    const space = window.location.pathname.split("/")[2] || "main";
    let timer = 0;
    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const response = await fetch("/api/v1/render", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: JSON.stringify({ markdown: text.value, space }),
        });
        if (!response.ok) return;
        const rendered = await response.json();
        // The server's sanitised HTML, the same as a saved page shows.
        preview.innerHTML = rendered.html;
        preview.hidden = false;
      }, 600);
    });
  }
}

// The contents: folded on narrow screens, and the section being read marked.
const toc = $(".toc");
if (toc && window.matchMedia("(max-width: 56rem)").matches) {
  $("details", toc).open = false;
}
if (toc && "IntersectionObserver" in window) {
  const links = new Map([...toc.querySelectorAll("a[href^='#']")].map((a) => [decodeURIComponent(a.hash.slice(1)), a]));
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      links.forEach((a) => a.removeAttribute("aria-current"));
      links.get(entry.target.id)?.setAttribute("aria-current", "true");
    }
  }, { rootMargin: "0px 0px -70% 0px" });
  for (const id of links.keys()) {
    const heading = document.getElementById(id);
    if (heading) observer.observe(heading);
  }
}

// The review queue from the keyboard: j/k move between revisions, a
// approves the one in focus, r goes to its comment to reject.
const reviews = [...document.querySelectorAll(".review-item")];
if (reviews.length > 0) {
  const keysHelp = $("[data-keys-help]");
  if (keysHelp) keysHelp.hidden = false;
  let current = -1;
  const focusItem = (index) => {
    current = Math.max(0, Math.min(reviews.length - 1, index));
    reviews[current].focus();
    reviews[current].scrollIntoView({ block: "start" });
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : document.body;
    const typing = target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const inItem = target.closest(".review-item");
    if (inItem) current = reviews.indexOf(inItem);
    if (event.key === "j") focusItem(current + 1);
    else if (event.key === "k") focusItem(current - 1);
    else if (event.key === "a" && current >= 0) $("button[value=approve]", reviews[current])?.click();
    else if (event.key === "r" && current >= 0) $("textarea", reviews[current])?.focus();
    else return;
    event.preventDefault();
  });
}
