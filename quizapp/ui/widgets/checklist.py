"""A SelectionList whose boxes say whether they are ticked, and tick the row Space was pressed on."""

from __future__ import annotations

from rich.segment import Segment
from textual.binding import Binding
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
      and the third (seen in a real terminal). Here the row Space was pressed on is toggled.
    """

    BINDINGS = [Binding("space", "select", "選択/解除")]
    """Textual's own Space binding is hidden from the footer."""

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
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
