// Keyboard shortcuts for the staff workspace. They never fire while someone is typing in a field.
// The list people see (press ?) is rendered by the server in their language: #shortcuts-help.
(() => {
    let pendingG = false;

    const typing = (target) =>
        target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

    const rows = () => Array.from(document.querySelectorAll('table.cases tbody tr'));

    const select = (step) => {
        const all = rows();
        if (all.length === 0) return;
        const current = all.findIndex((row) => row.getAttribute('aria-selected') === 'true');
        const next = Math.min(all.length - 1, Math.max(0, current < 0 ? 0 : current + step));
        all.forEach((row, i) => row.setAttribute('aria-selected', i === next ? 'true' : 'false'));
        all[next].scrollIntoView({ block: 'nearest' });
        all[next].querySelector('td a')?.focus({ preventScroll: true });
    };

    const compose = (index) => {
        const radio = document.querySelectorAll('.composer .tabs input[type=radio]')[index];
        if (!radio) return false;
        if (!radio.checked) radio.click();
        document.getElementById('composer-body')?.focus();
        return true;
    };

    const focus = (id) => {
        const element = document.getElementById(id);
        if (!element) return false;
        element.focus();
        return true;
    };

    const help = () => {
        const dialog = document.getElementById('shortcuts-help');
        if (!dialog) return false;
        if (dialog.open) dialog.close(); else dialog.showModal();
        return true;
    };

    document.addEventListener('click', (e) => {
        if (e.target instanceof Element && e.target.closest('[data-shortcuts-open]')) help();
    });

    document.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && typing(e.target)) {
            e.target.blur();
            return;
        }

        if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]:not(#shortcuts-help)')) return;
        if (!document.getElementById('shortcuts-help')) return; // not signed in as staff

        if (pendingG) {
            pendingG = false;
            const to = { i: '/cases', c: '/customers', s: '/search' }[e.key];
            if (to) {
                e.preventDefault();
                window.location.assign(to);
            }
            return;
        }

        let handled = true;
        switch (e.key) {
            case '?': handled = help(); break;
            case '/': handled = focus('quick-search'); break;
            case 'g': pendingG = true; setTimeout(() => { pendingG = false; }, 1500); break;
            case 'j': select(1); break;
            case 'k': select(-1); break;
            case 'o':
            case 'Enter': {
                // Enter on a focused button or link keeps its usual meaning unless it is in the selected row.
                const row = rows().find((r) => r.getAttribute('aria-selected') === 'true');
                const link = row?.querySelector('td a');
                const focused = document.activeElement;
                const free = !focused || focused === document.body || row?.contains(focused);
                if (link && (e.key === 'o' || free)) link.click(); else handled = false;
                break;
            }
            case 'r': handled = compose(0); break;
            case 'n': handled = compose(1); break;
            case 'a': handled = focus('case-assignee'); break;
            case 's': handled = focus('case-status'); break;
            default: handled = false;
        }

        if (handled) e.preventDefault();
    });
})();

// The workspace asks for the agent's own time zone (IANA id), to show and read times in it.
window.ribalta = Object.assign(window.ribalta || {}, {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || null,
});
