/* Modulario embed loader, served at /embed.js. It puts a Modulario form
 * inside a page of the comune's website. Paste where the form should be:
 *
 *   <a href="https://BASE/servizi/SLUG" data-modulario-fallback="SLUG">Compila il modulo «TITLE»</a>
 *   <script src="https://BASE/embed.js" data-modulo="SLUG" async></script>
 *
 * Without JavaScript the link stays and opens the form on Modulario. With it,
 * the link is replaced by an iframe on https://BASE/embed/SLUG that follows
 * the height of its content. Optional attributes of the script:
 *   data-parametri="tipo=acqua&lang=en"  appended to the iframe's URL
 *                                          (prefill of fields that allow it)
 *   data-titolo="…"                        the iframe's accessible title
 * Several scripts may be on one page. No inline code, no globals. */
(function () {
  'use strict';

  var DONE = 'data-modulario-done';
  // The flow posts no taller page than this: a guard against nonsense.
  var MAX_HEIGHT = 100000;

  // frames created by this run of the script: {iframe, origin, loads}.
  var frames = [];

  // fallbackFor returns the nearest fallback link of slug before script,
  // or null.
  function fallbackFor(script, slug) {
    var links = document.querySelectorAll('a[data-modulario-fallback]');
    var found = null;
    Array.prototype.forEach.call(links, function (a) {
      if (a.getAttribute('data-modulario-fallback') !== slug) return;
      if (script.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING) found = a;
    });
    return found;
  }

  // titleFor is the iframe's title: data-titolo, else the «title» of the
  // fallback link, else "Modulo SLUG".
  function titleFor(script, link, slug) {
    var title = script.getAttribute('data-titolo');
    if (!title && link) {
      var m = /«([^»]+)»/.exec(link.textContent || '');
      if (m) title = m[1];
    }
    return (title || '').trim() || 'Modulo ' + slug;
  }

  // frameURL is BASE/embed/SLUG with the script's data-parametri.
  function frameURL(base, slug, params) {
    var url = new URL('/embed/' + encodeURIComponent(slug), base);
    new URLSearchParams(params || '').forEach(function (value, name) {
      if (name !== 'embed') url.searchParams.append(name, value);
    });
    return url.href;
  }

  function embed(script) {
    script.setAttribute(DONE, '');
    var slug = (script.getAttribute('data-modulo') || '').trim();
    if (!slug || !script.src) return;
    var base = new URL(script.src, document.baseURI);
    var link = fallbackFor(script, slug);
    var iframe = document.createElement('iframe');
    iframe.src = frameURL(base, slug, script.getAttribute('data-parametri'));
    iframe.title = titleFor(script, link, slug);
    iframe.setAttribute('data-modulario-frame', slug);
    // CSSOM, not a style attribute: allowed by a strict host CSP.
    iframe.style.width = '100%';
    iframe.style.border = '0';
    iframe.style.display = 'block';
    // Until the form reports its height.
    iframe.style.height = '40em';
    if (link) {
      link.parentNode.replaceChild(iframe, link);
    } else {
      script.parentNode.insertBefore(iframe, script);
    }
    frames.push({ iframe: iframe, origin: base.origin, loads: 0 });
  }

  // onMessage accepts only messages of a frame created here, from
  // Modulario's origin.
  function onMessage(event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    frames.forEach(function (f) {
      if (event.source !== f.iframe.contentWindow || event.origin !== f.origin) return;
      if (data.type === 'modulario:resize') {
        var h = Number(data.height);
        if (isFinite(h) && h > 0 && h <= MAX_HEIGHT) f.iframe.style.height = Math.ceil(h) + 'px';
      } else if (data.type === 'modulario:navigated') {
        f.loads++;
        // A new page of the flow (next step, errors, receipt): show its
        // top if the citizen scrolled past it. Not on the first load.
        if (f.loads > 1 && f.iframe.getBoundingClientRect().top < 0) f.iframe.scrollIntoView();
      }
    });
  }

  var scripts = document.querySelectorAll('script[data-modulo]:not([' + DONE + '])');
  Array.prototype.forEach.call(scripts, embed);
  if (frames.length) window.addEventListener('message', onMessage);
})();
