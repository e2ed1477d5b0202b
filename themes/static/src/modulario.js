/* Modulario: progressive enhancement for the citizen forms.
 * Everything works without this script; it only adds live show/hide of
 * fields whose condition depends on answers of the same step (hiding the
 * notes that explain those conditions without it), and moves focus to the
 * error summary. No framework, no inline code (CSP). */
(function () {
  'use strict';

  // currentValues returns what the controls named `name` would post.
  function currentValues(form, name) {
    var controls = Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && !el.disabled;
    });
    var out = [];
    controls.forEach(function (el) {
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked) out.push(el.value);
      } else if (el.value !== '') {
        out.push(el.value);
      }
    });
    // A lone boolean checkbox that is unchecked answers "false".
    if (out.length === 0 && controls.length === 1 && controls[0].type === 'checkbox' && controls[0].value === 'true') {
      out.push('false');
    }
    return out;
  }

  function holds(form, trigger) {
    var vals = currentValues(form, trigger.pointer);
    var ok = trigger.values && trigger.values.length
      ? vals.some(function (v) { return trigger.values.indexOf(v) >= 0; })
      : vals.length > 0;
    return trigger.negate ? !ok : ok;
  }

  // update shows or hides every conditional wrapper; hidden controls are
  // disabled so that their answers are not posted.
  function update(form) {
    var changed = false;
    form.querySelectorAll('[data-show-when]').forEach(function (wrapper) {
      var triggers;
      try { triggers = JSON.parse(wrapper.getAttribute('data-show-when')); } catch (e) { return; }
      var show = triggers.every(function (t) { return holds(form, t); });
      if (wrapper.hidden === show) {
        changed = true;
        wrapper.hidden = !show;
        wrapper.querySelectorAll('input, select, textarea, button').forEach(function (c) { c.disabled = !show; });
      }
    });
    return changed;
  }

  function settle(form) {
    // Conditions may chain: repeat until nothing changes (bounded).
    for (var i = 0; i < 5 && update(form); i++) { /* again */ }
  }

  // hideNotes hides the notes that say when a conditional field is to be
  // filled in: they are for pages without this script, which shows and
  // hides the fields itself. Controls stop referring to them.
  function hideNotes(form) {
    form.querySelectorAll('.modulario-when').forEach(function (note) {
      note.hidden = true;
      form.querySelectorAll('[aria-describedby~="' + note.id + '"]').forEach(function (el) {
        var ids = el.getAttribute('aria-describedby').split(' ').filter(function (id) { return id && id !== note.id; });
        if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
        else el.removeAttribute('aria-describedby');
      });
    });
  }

  document.querySelectorAll('form').forEach(function (form) {
    if (!form.querySelector('[data-show-when]')) return;
    hideNotes(form);
    settle(form);
    form.addEventListener('change', function () { settle(form); });
    form.addEventListener('input', function () { settle(form); });
  });

  var summary = document.getElementById('errori');
  if (summary) {
    summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
})();
