"""Lists whose Enter shows in the footer and acts in the order keys were typed.

Enter as a screen binding would either be shadowed by the list's own (hidden) Enter binding or,
as a priority binding, run before arrow keys typed just before it had moved the cursor. A list
binding runs in typing order, so the lists here bind Enter themselves, with a footer label.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICK = "✓"


class CheckList(SelectionList[str]):
    """Two fixes to Textual's SelectionList:

    - It draws an X in every box and tells ticked from unticked by colour alone, which a
      monochrome terminal, a colour-blind learner or a screen capture loses. Here a ticked box
      shows ✓ and an unticked one is empty; the colours stay as Textual sets them.
    - Space posts a message and the list toggled whatever row was highlighted when the message
      arrived: typed quickly, "Space ↓ ↓ Space" ticked the third row twice instead of the first
      and the third (seen in a real terminal). Here the row Space was pressed on is toggled, and
      only here: SelectionList's own handler, which Textual would run after this one, is
      prevented (running both toggled the row back).
    """

    BINDINGS = [
        Binding("space", "select", "選択/解除"),
        Binding("enter", "submit", "開始"),
    ]
    """Textual's own Space binding is hidden from the footer; its Enter would tick a row too."""

    class Submitted(Message):
        """Enter: start with the ticked rows (or the highlighted one)."""

        def __init__(self, check_list: CheckList) -> None:
            super().__init__()
            self.check_list = check_list

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        event.prevent_default()
        self.toggle(self.get_option_at_index(event.option_index))

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        _, scroll_y = self.scroll_offset
        try:
            value = self.get_option_at_index(scroll_y + y).value
        except OptionDoesNotExist:
            return line
        if len(segments) < 4:
            return line
        box = segments[1]
        segments[1] = Segment(TICK if value in self.selected else " ", box.style, box.control)
        return Strip(segments, line.cell_length)


class StartList(OptionList):
    """An OptionList whose Enter (select: the screen starts the highlighted row) is listed in the
    footer as 開始; Textual hides it."""

    BINDINGS = [Binding("enter", "select", "開始")]


class OpenList(OptionList):
    """A list whose Enter opens the highlighted row, listed in the footer as 開く."""

    BINDINGS = [Binding("enter", "select", "開く")]
