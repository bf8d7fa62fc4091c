"""axe-core, the accessibility engine, run in the page: the script ships inside the
`axe-playwright-python` wheel (its `axe.min.js`), injected here, so nothing is downloaded."""

from pathlib import Path

import axe_playwright_python

AXE = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
BLOCKING = ("serious", "critical")


async def serious_violations(page) -> list[str]:
    """Each serious or critical axe violation on the page, as `rule: where` lines."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=AXE.read_text())
    results = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]
