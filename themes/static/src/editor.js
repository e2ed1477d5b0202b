// Modulario form editor: small enhancements only. Every page works without
// this file (move buttons, confirmation pages, server-side validation).
//  - buttons with data-confirm ask before they submit (deleting a field,
//    a step or a rule);
//  - the slug of a new form follows its title until staff edit it;
//  - a condition editor shows only the option boxes of the chosen field.
(function () {
  'use strict';

  function onReady(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function confirmButtons() {
    document.addEventListener('click', function (ev) {
      var btn = ev.target.closest ? ev.target.closest('[data-confirm]') : null;
      if (btn && !window.confirm(btn.getAttribute('data-confirm'))) ev.preventDefault();
    });
  }

  // slugify mirrors the server's suggestion (builder.slugify).
  function slugify(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  }

  function slugFollowsTitle() {
    var title = document.querySelector('[data-slug-source]');
    if (!title) return;
    var slug = document.getElementById(title.getAttribute('data-slug-source'));
    if (!slug) return;
    var touched = slug.value !== '' && slug.value !== slugify(title.value);
    slug.addEventListener('input', function () { touched = slug.value !== ''; });
    title.addEventListener('input', function () {
      if (!touched) slug.value = slugify(title.value);
    });
  }

  function conditionOptions() {
    document.querySelectorAll('[data-cond]').forEach(function (box) {
      var select = box.querySelector('[data-cond-field]');
      var groups = box.querySelectorAll('[data-cond-options]');
      if (!select || groups.length === 0) return;
      function update() {
        groups.forEach(function (g) { g.hidden = g.getAttribute('data-cond-options') !== select.value; });
      }
      select.addEventListener('change', update);
      update();
    });
  }

  onReady(function () {
    confirmButtons();
    slugFollowsTitle();
    conditionOptions();
  });
})();
