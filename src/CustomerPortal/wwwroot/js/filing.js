// The filing form's first step, made to answer as the customer works: ticking a line (or typing a
// line's quantity or amount) switches the invoice to "some lines", choosing "the whole invoice"
// unticks its lines, and the amount contested so far is kept up to date under the form. Without
// this script the server does the same sums on every step and refuses ticked lines under "whole".
(function () {
    'use strict';

    var form = document.querySelector('form[data-filing]');
    var total = document.getElementById('running-total');
    if (!form) {
        return;
    }

    var english = (document.documentElement.lang || 'fr').indexOf('en') === 0;

    // Reads an amount as people type it, as the server does (Finance/AmountText): spaces and the
    // euro sign ignored; with both marks the last separates the decimals; a mark repeated in groups
    // of three digits groups thousands, as does a lone comma before three digits in English.
    function read(text) {
        var cleaned = (text || '').replace(/[\s\u00a0\u202f€]/g, '');
        if (!cleaned) {
            return null;
        }
        var comma = cleaned.lastIndexOf(','), dot = cleaned.lastIndexOf('.');
        var digits = cleaned;
        if (comma >= 0 && dot >= 0) {
            var decimals = comma > dot ? ',' : '.';
            var grouping = decimals === ',' ? '.' : ',';
            digits = cleaned.split(grouping).join('').replace(decimals, '.');
        } else if (comma >= 0 || dot >= 0) {
            var mark = comma >= 0 ? ',' : '.';
            var repeated = cleaned.indexOf(mark) !== cleaned.lastIndexOf(mark);
            var groups = repeated || (mark === ',' && english && /^\d{1,3}(,\d{3})+$/.test(cleaned));
            digits = groups ? cleaned.split(mark).join('') : cleaned.replace(mark, '.');
        }
        return /^\d+(\.\d+)?$/.test(digits) ? parseFloat(digits) : null;
    }

    function cents(value) {
        return Math.round(value * 100) / 100;
    }

    // What one invoice claims, as the server would read it (unreadable amounts count for nothing).
    function claimed(fieldset) {
        var whole = fieldset.querySelector('.scope-whole');
        var lines = fieldset.querySelector('.scope-lines');
        if (whole && whole.checked) {
            return read(fieldset.querySelector('.whole-amount').value) || 0;
        }
        if (!lines || !lines.checked) {
            return 0;
        }
        var sum = 0;
        fieldset.querySelectorAll('tr[data-gross]').forEach(function (row) {
            var choice = row.querySelector('.line-choice');
            if (!choice || !choice.checked) {
                return;
            }
            var gross = parseFloat(row.getAttribute('data-gross'));
            var quantity = parseFloat(row.getAttribute('data-quantity'));
            var amount = read(row.querySelector('.line-amount').value);
            var part = read(row.querySelector('.line-quantity').value);
            if (amount !== null) {
                sum += amount;
            } else if (part !== null && quantity > 0) {
                sum += cents(gross * part / quantity);
            } else {
                sum += gross;
            }
        });
        return sum;
    }

    function update() {
        if (!total) {
            return;
        }
        var sum = 0;
        form.querySelectorAll('fieldset[data-currency]').forEach(function (fieldset) {
            sum += claimed(fieldset);
        });
        var currency = total.getAttribute('data-currency') || 'EUR';
        total.textContent = new Intl.NumberFormat(english ? 'en-GB' : 'fr-FR', { style: 'currency', currency: currency }).format(cents(sum));
    }

    function choose(fieldset, scope) {
        var radio = fieldset.querySelector(scope === 'lines' ? '.scope-lines' : '.scope-whole');
        if (radio && !radio.checked) {
            radio.checked = true;
        }
        if (scope === 'whole') {
            fieldset.querySelectorAll('.line-choice:checked').forEach(function (choice) {
                choice.checked = false;
            });
        }
    }

    form.addEventListener('change', function (event) {
        var target = event.target;
        var fieldset = target.closest('fieldset[data-currency]');
        if (fieldset) {
            if (target.classList.contains('line-choice') && target.checked) {
                choose(fieldset, 'lines');
            } else if (target.classList.contains('scope-whole') && target.checked) {
                choose(fieldset, 'whole');
            }
        }
        update();
    });

    form.addEventListener('input', function (event) {
        var target = event.target;
        var fieldset = target.closest('fieldset[data-currency]');
        if (fieldset && target.value.trim()) {
            if (target.classList.contains('whole-amount')) {
                choose(fieldset, 'whole');
            } else if (target.classList.contains('line-amount') || target.classList.contains('line-quantity')) {
                var choice = target.closest('tr').querySelector('.line-choice');
                if (choice && !choice.disabled) {
                    choice.checked = true;
                    choose(fieldset, 'lines');
                }
            }
        }
        update();
    });
})();
