"""Our one-widget Markdown view against Textual's own ``Markdown``: time from mounting a passage to
the end of the screen refresh that draws it (headless, 120x40), for the first passage of the answers
to the fixed questions. Prints medians in milliseconds; the app's target is Enter → answer ≤ 0.1 s.

    python scripts/bench_markdown.py [--questions 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


async def _measure(passages: list[str]) -> dict[str, list[float]]:
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Markdown

    from assistant.tui.markdown import MarkdownView, parse_markdown

    class Host(App):
        def compose(self):
            yield VerticalScroll(id="log")

    results: dict[str, list[float]] = {"ours (parse on a worker, mount)": [], "ours (parse+mount here)": [],
                                       "Textual Markdown": []}
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one("#log")
        for text in passages:
            for name in results:
                document = parse_markdown(text) if name.startswith("ours (parse on") else None
                await log.remove_children()
                await pilot.pause()
                started = time.perf_counter()
                if name == "Textual Markdown":
                    widget = Markdown(text, open_links=False)
                else:
                    widget = MarkdownView(document if document is not None else parse_markdown(text))
                await log.mount(widget)
                done = asyncio.get_running_loop().create_future()
                app.call_after_refresh(lambda: done.done() or done.set_result(None))
                await done
                results[name].append((time.perf_counter() - started) * 1000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    import yaml

    from assistant.engine import Assistant

    assistant = Assistant.open()
    items = yaml.safe_load((REPO / "tests/data/questions.yaml").read_text(encoding="utf-8"))
    items = items["in_scope"] if isinstance(items, dict) else items
    passages = []
    for item in items[: args.questions]:
        answer = assistant.ask(item["q"])
        if answer.hits:
            passages.append(answer.hits[0].text)
    results = asyncio.run(_measure(passages))
    for name, values in results.items():
        print(f"  {name:34s} median {statistics.median(values):6.1f} ms | max {max(values):6.1f} ms"
              f" ({len(values)} passages)")


if __name__ == "__main__":
    main()
