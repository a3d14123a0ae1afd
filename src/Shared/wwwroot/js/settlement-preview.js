// The settlement forms of the back office, made more helpful while typing: the value of the
// proposal excl. and incl. VAT, and whether it goes to the customer at once or waits for an
// approval above the user's delegation limit. Optional: without it the forms work the same, and
// the "Preview" button asks the server for the same figures (the server's word is the one that counts).
(function () {
    'use strict';

    var lang = document.documentElement.lang || 'fr';

    // Amounts as people type them, as the server reads them (AmountText): "1 234,56", "1234.56", "1.234,56 €".
    function parse(text) {
        if (!text) {
            return null;
        }
        var cleaned = String(text).replace(/[\s\u00A0\u202F€]/g, '');
        if (!/^[0-9.,]+$/.test(cleaned)) {
            return null;
        }
        var comma = cleaned.lastIndexOf(',');
        var dot = cleaned.lastIndexOf('.');
        var digits;
        if (comma >= 0 && dot >= 0) {
            var decimals = comma > dot ? ',' : '.';
            var grouping = decimals === ',' ? '.' : ',';
            digits = cleaned.split(grouping).join('').replace(decimals, '.');
        } else if (comma >= 0) {
            digits = lang === 'en' && /^\d{1,3}(,\d{3})+$/.test(cleaned) ? cleaned.split(',').join('') : cleaned.replace(',', '.');
        } else if (/^\d{1,3}(\.\d{3}){2,}$/.test(cleaned)) {
            digits = cleaned.split('.').join('');
        } else {
            digits = cleaned;
        }
        var value = Number(digits);
        return isFinite(value) ? value : null;
    }

    function cents(value) {
        return Math.round((value + Number.EPSILON) * 100) / 100;
    }

    function money(value, currency) {
        return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { style: 'currency', currency: currency || 'EUR' }).format(value);
    }

    function format(template, values) {
        return template.replace(/\{(\d+)\}/g, function (_, index) { return values[Number(index)]; });
    }

    // A credit line: what is typed, else what the chosen invoice line says.
    function creditOf(row) {
        var line = row.querySelector('[data-line-select]');
        var option = line && line.selectedOptions.length ? line.selectedOptions[0] : null;
        var quantity = parse(row.querySelector('[data-quantity]').value);
        var price = parse(row.querySelector('[data-price-input]').value);
        var percent = parse(row.querySelector('[data-vat-percent]').value);
        if (price === null && option && option.hasAttribute('data-unit-price')) {
            price = Number(option.getAttribute('data-unit-price'));
        }
        var rate = percent !== null ? percent / 100 : option && option.hasAttribute('data-vat-rate') ? Number(option.getAttribute('data-vat-rate')) : null;
        if (price === null || rate === null) {
            return null;
        }
        var net = cents((quantity === null ? 1 : quantity) * price);
        var vat = cents(net * rate);
        return { net: net, vat: vat };
    }

    function update(form) {
        var output = form.querySelector('[data-preview-output]');
        var currency = form.getAttribute('data-currency');
        var kind = form.getAttribute('data-settlement-kind');
        var value = null;
        var lines = [];
        if (kind === 'CreditNote') {
            var net = 0;
            var vat = 0;
            var any = false;
            form.querySelectorAll('[data-credit-row]').forEach(function (row) {
                var credit = creditOf(row);
                if (credit) {
                    any = true;
                    net += credit.net;
                    vat += credit.vat;
                }
            });
            if (any) {
                value = cents(net + vat);
                lines.push(format(form.getAttribute('data-text-credit'), [money(cents(net), currency), money(cents(vat), currency), money(value, currency)]));
            }
        } else {
            var field = form.querySelector('[data-value-input]');
            value = field ? parse(field.value) : null;
            if (value !== null) {
                lines.push(format(form.getAttribute('data-text-value'), [money(value, currency)]));
            }
        }

        output.textContent = '';
        if (value === null || value <= 0) {
            output.hidden = true;
            return;
        }

        var limit = Number(form.getAttribute('data-limit'));
        var unlimited = form.getAttribute('data-limit') === '';
        if (kind !== 'WriteOff') {
            if (unlimited || value <= limit) {
                lines.push(form.getAttribute('data-text-within'));
            } else {
                var roles = (form.getAttribute('data-approvers') || '').split(';').filter(Boolean).map(function (entry) {
                    var parts = entry.split('|');
                    return { max: parts[0] === '' ? Infinity : Number(parts[0]), label: parts[1] };
                }).filter(function (role) { return role.max >= value; }).map(function (role) { return role.label; });
                lines.push(format(form.getAttribute('data-text-above'), [money(limit, currency), roles.join(', ')]));
            }
        }

        lines.forEach(function (text) {
            var p = document.createElement('p');
            p.className = 'mb-1';
            p.textContent = text;
            output.appendChild(p);
        });
        output.hidden = false;
    }

    document.querySelectorAll('form[data-settlement-kind]').forEach(function (form) {
        form.addEventListener('input', function () { update(form); });
        form.addEventListener('change', function () { update(form); });
        update(form);
    });

    // After a server preview, the figures are where the eye (and the screen reader) goes next.
    var preview = document.getElementById('preview');
    if (preview) {
        preview.focus();
    }
})();
