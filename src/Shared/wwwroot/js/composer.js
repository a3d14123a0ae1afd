// The dispute's composer as tabs, as help desks show it: "Reply to the customer" or "Internal
// note", one at a time. Without this script both forms show one under the other, each labelled.
(function () {
    'use strict';

    document.querySelectorAll('[data-composer]').forEach(function (composer) {
        var list = composer.querySelector('[data-composer-tabs]');
        if (!list) {
            return;
        }
        var tabs = Array.prototype.slice.call(list.querySelectorAll('[data-composer-tab]'));
        var panes = tabs.map(function (tab) { return document.getElementById(tab.getAttribute('data-composer-tab')); });

        function select(index, focus) {
            tabs.forEach(function (tab, i) {
                var selected = i === index;
                tab.setAttribute('aria-selected', selected ? 'true' : 'false');
                tab.tabIndex = selected ? 0 : -1;
                panes[i].hidden = !selected;
            });
            if (focus) {
                tabs[index].focus();
            }
        }

        list.setAttribute('role', 'tablist');
        list.setAttribute('aria-labelledby', composer.querySelector('h2, h3').id);
        tabs.forEach(function (tab, i) {
            tab.setAttribute('role', 'tab');
            tab.setAttribute('aria-controls', panes[i].id);
            panes[i].setAttribute('role', 'tabpanel');
            panes[i].setAttribute('aria-labelledby', tab.id);
            panes[i].removeAttribute('aria-label');
            tab.addEventListener('click', function () { select(i, false); });
            tab.addEventListener('keydown', function (event) {
                var next = event.key === 'ArrowRight' ? (i + 1) % tabs.length : event.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : -1;
                if (next >= 0) {
                    event.preventDefault();
                    select(next, true);
                }
            });
        });

        // The pane with typed text (a refused post shows it again) opens first, else the reply.
        var start = panes.findIndex(function (pane) { return pane.querySelector('textarea').value.trim() !== ''; });
        list.hidden = false;
        select(start < 0 ? 0 : start, false);
    });
})();
