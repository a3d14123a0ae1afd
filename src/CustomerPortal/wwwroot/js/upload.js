// Upload zones (Pages/Shared/_UploadZone.cshtml): files dropped or picked are sent one after
// the other, each with its own progress bar, to the zone's data-upload-url. Without this script
// the same zone is a plain file input whose files go with the form.
(function () {
    'use strict';

    var tokenHeader = 'RequestVerificationToken';

    function text(zone, name, fileName) {
        var value = zone.getAttribute('data-text-' + name) || '';
        return fileName === undefined ? value : value.replace('{0}', fileName);
    }

    function formatSize(bytes) {
        var units = document.documentElement.lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
        var unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        var digits = unit === 0 || bytes >= 10 ? 0 : 1;
        return bytes.toLocaleString(document.documentElement.lang, { maximumFractionDigits: digits }) + ' ' + units[unit];
    }

    function setup(zone) {
        var form = zone.closest('form');
        var input = zone.querySelector('input[type=file]');
        var list = zone.querySelector('.upload-list');
        var url = zone.getAttribute('data-upload-url');
        var discardUrl = zone.getAttribute('data-discard-url');
        var ticketField = zone.getAttribute('data-ticket-field');
        var maxBytes = parseInt(zone.getAttribute('data-max-file-bytes'), 10) || 0;
        var queue = [];
        var busy = false;
        if (!form || !input || !list || !url) {
            return;
        }

        zone.classList.add('upload-enhanced');

        function token() {
            var field = form.querySelector('input[name="__RequestVerificationToken"]');
            return field ? field.value : '';
        }

        function item(file) {
            var li = document.createElement('li');
            li.className = 'upload-item';
            var name = document.createElement('span');
            name.className = 'upload-name';
            name.textContent = file.name;
            var size = document.createElement('span');
            size.className = 'text-muted small';
            size.textContent = formatSize(file.size);
            var progress = document.createElement('progress');
            progress.max = 100;
            progress.value = 0;
            progress.setAttribute('aria-label', text(zone, 'progress') + ' ' + file.name);
            var status = document.createElement('span');
            status.className = 'upload-status small';
            status.setAttribute('role', 'status');
            status.textContent = text(zone, 'sending');
            li.append(name, ' ', size, ' ', progress, ' ', status);
            list.appendChild(li);
            return { li: li, progress: progress, status: status };
        }

        function fail(view, message) {
            view.progress.remove();
            view.status.textContent = message;
            view.status.className = 'upload-status small text-danger';
            view.status.setAttribute('role', 'alert');
        }

        function addRemoveButton(view, ticket) {
            var button = document.createElement('button');
            button.type = 'button';
            button.className = 'btn btn-sm btn-link';
            button.textContent = text(zone, 'remove');
            button.addEventListener('click', function () {
                view.li.remove();
                if (discardUrl) {
                    var body = new FormData();
                    body.append('ticket', ticket);
                    var request = new XMLHttpRequest();
                    request.open('POST', discardUrl);
                    request.setRequestHeader(tokenHeader, token());
                    request.send(body);
                }
            });
            view.li.append(' ', button);
        }

        function succeed(view, result) {
            view.progress.value = 100;
            view.progress.remove();
            view.status.textContent = text(zone, 'done');
            view.status.className = 'badge text-bg-success';
            if (result.url) {
                var link = document.createElement('a');
                link.href = result.url;
                link.textContent = view.li.querySelector('.upload-name').textContent;
                view.li.querySelector('.upload-name').replaceChildren(link);
            }
            if (ticketField && result.ticket) {
                var hidden = document.createElement('input');
                hidden.type = 'hidden';
                hidden.name = ticketField;
                hidden.value = result.ticket;
                view.li.prepend(hidden);
                addRemoveButton(view, result.ticket);
            }
        }

        // Fields the server asks to update (the dispute's version after a file was added).
        function applyFields(fields) {
            Object.keys(fields || {}).forEach(function (name) {
                document.querySelectorAll('input[name="' + name + '"]').forEach(function (field) {
                    field.value = fields[name];
                });
            });
        }

        function next() {
            if (busy || queue.length === 0) {
                return;
            }
            busy = true;
            var job = queue.shift();
            var body = new FormData();
            if (ticketField) {
                // The files already held count against the dispute's total.
                form.querySelectorAll('input[name="' + ticketField + '"]').forEach(function (held) {
                    body.append(ticketField, held.value);
                });
            }
            body.append('files', job.file, job.file.name);

            var request = new XMLHttpRequest();
            request.open('POST', url);
            request.setRequestHeader(tokenHeader, token());
            request.setRequestHeader('Accept', 'application/json');
            request.upload.addEventListener('progress', function (event) {
                if (event.lengthComputable) {
                    job.view.progress.value = Math.round(event.loaded * 100 / event.total);
                }
            });
            request.addEventListener('load', function () {
                var answer = null;
                try {
                    answer = JSON.parse(request.responseText);
                } catch (ignored) {
                    answer = null;
                }
                var result = answer && answer.files && answer.files[0];
                if (result && result.ok) {
                    succeed(job.view, result);
                } else {
                    fail(job.view, (result && result.message) || text(zone, 'failed'));
                }
                if (answer) {
                    applyFields(answer.fields);
                }
                busy = false;
                next();
            });
            request.addEventListener('error', function () {
                fail(job.view, text(zone, 'failed'));
                busy = false;
                next();
            });
            request.send(body);
        }

        function add(files) {
            Array.prototype.forEach.call(files, function (file) {
                var view = item(file);
                if (maxBytes > 0 && file.size > maxBytes) {
                    fail(view, file.name + ' : ' + text(zone, 'too-large'));
                    return;
                }
                queue.push({ file: file, view: view });
            });
            // The files are on their way: the form must not send them a second time.
            input.value = '';
            next();
        }

        input.addEventListener('change', function () {
            add(input.files);
        });
        zone.addEventListener('dragover', function (event) {
            event.preventDefault();
            zone.classList.add('upload-over');
        });
        zone.addEventListener('dragleave', function () {
            zone.classList.remove('upload-over');
        });
        zone.addEventListener('drop', function (event) {
            event.preventDefault();
            zone.classList.remove('upload-over');
            if (event.dataTransfer && event.dataTransfer.files.length > 0) {
                add(event.dataTransfer.files);
            }
        });
    }

    document.querySelectorAll('[data-upload-zone]').forEach(setup);
}());
