/* Modulario: the frame side of an embedded form (loaded only in embed mode).
 * It tells the host page (embed.js) how tall this page is, so the iframe
 * grows and shrinks with its content instead of scrolling, and that a new
 * page of the flow has loaded, so the host can bring the iframe's top into
 * view. Opened as a top-level page it does nothing. No inline code (CSP). */
(function () {
  'use strict';

  if (window.parent === window) return;

  // The messages carry only a height and a navigation signal, never an
  // answer, a token or a URL, so any host may read them: targetOrigin '*'
  // is safe, and it lets the same page serve every site of the comune.
  // embed.js checks each message's origin and source.
  function post(message) {
    window.parent.postMessage(message, '*');
  }

  var lastHeight = -1;

  // The height of the whole document. The layout sets no height on <html>,
  // so its box is as tall as the content, shorter than the iframe included.
  function reportHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    post({ type: 'modulario:resize', height: height });
  }

  reportHeight();
  post({ type: 'modulario:navigated' });
  // Fonts and images change the height after this script runs; so do the
  // live show/hide of fields and the error summary.
  window.addEventListener('load', reportHeight);
  if ('ResizeObserver' in window) {
    new ResizeObserver(reportHeight).observe(document.documentElement);
  }
})();
