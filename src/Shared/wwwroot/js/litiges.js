// Small touches on every page of both apps, all optional: without this script the pages work
// the same, only less helpfully.
(function () {
    'use strict';

    // A field's error message is tied to the field: screen readers read it with the field, and the
    // field is marked invalid (the summary at the top of the form is already announced, role=alert).
    function linkErrors() {
        document.querySelectorAll('.field-validation-error[data-valmsg-for]').forEach(function (message, index) {
            var name = message.getAttribute('data-valmsg-for');
            var form = message.closest('form');
            // Every radio button of a group, else the one field of that name.
            var fields = form ? Array.prototype.filter.call(form.elements, function (element) { return element.name === name && element.type !== 'hidden'; }) : [];
            if (fields.length === 0 || !message.textContent.trim()) {
                return;
            }
            if (!message.id) {
                message.id = 'field-error-' + index;
            }
            fields.forEach(function (field) {
                var described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
                if (described.indexOf(message.id) < 0) {
                    described.push(message.id);
                }
                field.setAttribute('aria-describedby', described.join(' '));
                field.setAttribute('aria-invalid', 'true');
            });
        });
    }

    // Destructive buttons (data-confirm="question") ask before they act.
    function confirmations() {
        document.addEventListener('click', function (event) {
            var button = event.target.closest('[data-confirm]');
            if (button && !window.confirm(button.getAttribute('data-confirm'))) {
                event.preventDefault();
            }
        });
    }

    // <time datetime="…" data-relative> reads "3 days ago"; the exact date stays in its title.
    function relativeTimes() {
        if (!window.Intl || !Intl.RelativeTimeFormat) {
            return;
        }
        var format = new Intl.RelativeTimeFormat(document.documentElement.lang || 'fr', { numeric: 'auto' });
        var steps = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
        document.querySelectorAll('time[data-relative][datetime]').forEach(function (time) {
            var seconds = (Date.parse(time.getAttribute('datetime')) - Date.now()) / 1000;
            if (isNaN(seconds)) {
                return;
            }
            if (!time.title) {
                time.title = time.textContent.trim();
            }
            var step = steps.find(function (s) { return Math.abs(seconds) >= s[1]; });
            time.textContent = step ? format.format(Math.round(seconds / step[1]), step[0]) : format.format(0, 'minute');
        });
    }

    linkErrors();
    confirmations();
    relativeTimes();
})();
