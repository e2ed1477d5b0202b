// Modulario staff side: progressive enhancement only; every page works
// without this file.
(function () {
  'use strict';

  // Keep the colour picker and its text field in step.
  function syncColor() {
    var text = document.getElementById('primary_color');
    var picker = document.getElementById('primary_color_picker');
    if (!text || !picker) return;
    picker.addEventListener('input', function () { text.value = picker.value; });
    text.addEventListener('input', function () {
      if (/^#[0-9a-fA-F]{6}$/.test(text.value)) picker.value = text.value.toLowerCase();
    });
  }

  // Move focus to the error summary so screen readers announce it.
  function focusErrors() {
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }

  document.addEventListener('DOMContentLoaded', function () {
    syncColor();
    focusErrors();
  });
})();
