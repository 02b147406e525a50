// Top-bar menus are <details data-menu> disclosures: they work without script; this closes them the way people expect,
// on a click elsewhere, on Escape (focus back on the menu's button), on opening another menu and after a choice.
(() => {
    const open = () => Array.from(document.querySelectorAll('details[data-menu][open]'));

    document.addEventListener('click', (event) => {
        const inside = event.target instanceof Element ? event.target.closest('details[data-menu]') : null;
        for (const menu of open()) {
            if (menu !== inside || (event.target instanceof Element && event.target.closest('.menu-panel a'))) {
                menu.open = false;
            }
        }
    });

    document.addEventListener('keydown', (event) => {
        if (event.key !== 'Escape') return;
        for (const menu of open()) {
            menu.open = false;
            if (menu.contains(document.activeElement)) menu.querySelector('summary')?.focus();
        }
    });
})();
