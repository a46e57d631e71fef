"""Reading answers, independent of any UI: what every item kind grades with (each kind grades
its own in :mod:`quizapp.kinds`).

Free text is normalized before it is compared with an item's accepted spellings, and numeric input is
parsed by a tiny arithmetic grammar (no ``eval``). Nothing here raises on user input: an odd answer is
wrong, and one that could not be read (empty, not a number, too long) carries a hint, which the UI
shows instead of recording the answer. Invisible format characters (a zero-width space, a bidi mark,
a BOM) are dropped before anything is compared, and an answer longer than :data:`MAX_INPUT` is
refused before any normalisation, so a huge paste is wrong at once, never slow.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.safetext import strip_format
from solvers.problem import Misconception

MAX_INPUT = 200
"""The longest answer read, in characters (the longest accepted spelling in the bank is about 60).
Longer input is refused before NFKC, which turns one U+FDFA into 18 characters."""
TOO_LONG = f"入力が長すぎます（{MAX_INPUT} 文字まで）"


def received(text: str) -> str | None:
    """The learner's text as it is graded and logged: without format characters, or None when it
    is too long to read."""
    return None if len(text) > MAX_INPUT else strip_format(text)


def recorded(text: str) -> str:
    """What the review log keeps of an answer: :func:`received`, or the start of a too-long one."""
    kept = received(text)
    return kept if kept is not None else strip_format(text[:MAX_INPUT]) + "…"


DONT_KNOW = "?"
"""The answer that gives up on a typed question: graded wrong and the feedback shown. An empty or
unreadable answer is not graded at all, so without it a learner who cannot solve a numeric
problem would have to type some wrong number to see the solution."""
QUOTED = 20
"""The most characters of the learner's text a hint repeats (「…」を数として読めません)."""


def gives_up(text: str) -> bool:
    """``?`` (or a full-width ``？``): the learner does not know."""
    return unicodedata.normalize("NFKC", strip_format(text[:MAX_INPUT])).strip() == DONT_KNOW


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


# --- text ---------------------------------------------------------------------------------------

_DASHES = "ー－-‐‑‒–—―−ｰ~〜～・･_"
_DASH_TABLE = str.maketrans("", "", _DASHES)
_EDGE_PUNCT = "。．.、，,!！?？:：;；\"'「」『』()（）[]［］【】"
_KATA_START, _KATA_END = 0x30A1, 0x30F6


def _to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if _KATA_START <= ord(c) <= _KATA_END else c for c in text)


def normalize_text(text: str) -> str:
    """Fold the differences a learner should not be marked down for.

    Invisible format characters, NFKC (full/half width), case, white space, long-vowel marks and
    dashes, katakana vs hiragana, and punctuation or brackets around the answer. Callers bound the
    length (:data:`MAX_INPUT`).
    """
    text = unicodedata.normalize("NFKC", strip_format(text))
    text = _to_hiragana(text.casefold())
    text = "".join(text.split())
    text = text.translate(_DASH_TABLE).strip(_EDGE_PUNCT)
    # removing spaces can bring a letter and a combining mark together: compose them again
    return unicodedata.normalize("NFKC", text)


def matches_any(answer: str, accepted: Iterable[str]) -> bool:
    """True when ``answer`` equals one of ``accepted`` after normalization (empty never matches, nor
    does an answer longer than :data:`MAX_INPUT`)."""
    if len(answer) > MAX_INPUT:
        return False
    given = normalize_text(answer)
    return bool(given) and any(given == normalize_text(a) for a in accepted)


# --- numbers ------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPER_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d.])")
_COUNTERS = ("倍", "個", "回", "層", "枚", "次元", "ステップ", "パラメータ", "バイト", "ch", "px")
_SHAPE_SPLIT = re.compile(r"[x×*,、]")


class ParseError(ValueError):
    """Raised by :func:`parse_number` with a Japanese hint for the learner."""


def _prepare(text: str, unit: str = "") -> str:
    text = _SUPER_RUN.sub(lambda m: "^(" + m.group().translate(_SUPERSCRIPTS) + ")", text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())
    text = text.replace("−", "-").replace("÷", "/").replace("＾", "^").replace("**", "^")
    text = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)
    text = text.rstrip("。")
    for suffix in (unit, *(_COUNTERS)):
        if suffix and text.casefold().endswith(suffix.casefold()) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


class _Parser:
    """Recursive descent over: expr = term (('+'|'-') term)*; term = power (('*'|'×'|'/') power)*;
    power = unary ('^' power)?; unary = ('+'|'-') unary | atom; atom = number | '(' expr ')'."""

    _NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
    MAX_DEPTH = 32
    """Nested brackets, signs and powers allowed; deeper input is refused, not a RecursionError."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def _descend(self) -> None:
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise ParseError("括弧や符号の入れ子が深すぎます")

    def parse(self) -> float:
        value = self.expr()
        if self.pos != len(self.text):
            raise ParseError(f"「{_quoted(self.text[self.pos :])}」を数として読めません")
        return value

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.text[self.pos]
            self.pos += 1
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> float:
        value = self.power()
        while self.peek() in ("*", "×", "x", "/"):
            op = self.text[self.pos]
            self.pos += 1
            rhs = self.power()
            if op == "/":
                if rhs == 0:
                    raise ParseError("0 で割っています")
                value /= rhs
            else:
                value *= rhs
        return value

    def power(self) -> float:
        base = self.unary()
        if self.peek() == "^":
            self.pos += 1
            self._descend()
            exponent = self.power()
            self.depth -= 1
            if abs(exponent) > 1000:
                raise ParseError("指数が大きすぎます")
            try:
                result = math.pow(base, exponent)
            except (OverflowError, ValueError) as exc:
                raise ParseError("べき乗を計算できません") from exc
            return result
        return base

    def unary(self) -> float:
        if self.peek() in ("+", "-"):
            sign = -1.0 if self.text[self.pos] == "-" else 1.0
            self.pos += 1
            self._descend()
            value = sign * self.unary()
            self.depth -= 1
            return value
        return self.atom()

    def atom(self) -> float:
        if self.peek() == "(":
            self.pos += 1
            self._descend()
            value = self.expr()
            self.depth -= 1
            if self.peek() != ")":
                raise ParseError("括弧が閉じていません")
            self.pos += 1
            return value
        match = self._NUMBER.match(self.text, self.pos)
        if not match:
            rest = _quoted(self.text[self.pos :]) or "（空）"
            raise ParseError(f"「{rest}」を数として読めません")
        self.pos = match.end()
        return float(match.group())


def parse_number(text: str, *, unit: str = "") -> float:
    """Read a learner's number: 16, 0.25, ０.２５, 1/9, 9.5e-7, 2^-10, 2⁻¹⁰, 3×10⁻⁴, 25%, 1,000.

    A trailing ``%`` divides by 100 unless ``unit`` is ``%``. Raises :class:`ParseError`.
    """
    if len(text) > MAX_INPUT:
        raise ParseError(TOO_LONG)
    prepared = _prepare(strip_format(text), unit)
    percent = prepared.endswith("%")
    if percent:
        prepared = prepared[:-1]
    if not prepared:
        raise ParseError("数値を入力してください")
    value = _Parser(prepared).parse()
    if not math.isfinite(value):
        raise ParseError("有限の数を入力してください")
    return value / 100 if percent and unit != "%" else value


def parse_shape(text: str, length: int, *, unit: str = "") -> tuple[float, ...]:
    """Read a shape or several values: 7x7, 7×7, 16×6×6, (16, 6, 6), 16 6 6.

    Raises:
        ParseError: wrong number of parts or an unreadable part.
    """
    if len(text) > MAX_INPUT:
        raise ParseError(TOO_LONG)
    cleaned = unicodedata.normalize("NFKC", strip_format(text)).strip().strip("()[]（）").casefold()
    parts = [p for p in _SHAPE_SPLIT.split(cleaned.replace(" ", "x")) if p.strip()]
    if len(parts) != length:
        raise ParseError(f"{length} 個の数を × で区切って入力してください（例: 16×6×6）")
    return tuple(parse_number(p, unit=unit) for p in parts)


# --- grading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """The outcome of one answer, ready for feedback and for the review log."""

    correct: bool
    answer: str
    """The learner's answer as recorded (see :func:`recorded`: bounded, no format characters)."""
    expected: str
    """The right answer, for display."""
    hint: str = ""
    """Set exactly when the answer could not be read (empty, not a number, too long): what to
    type instead (format help, not a spoiler). Such an answer is shown the hint, not graded."""
    misconception: Misconception | None = None
    blanks: tuple[bool, ...] = ()
    """Per-blank correctness for fill items."""


_KEY_ALIASES = {"○": "o", "〇": "o", "◯": "o", "お": "o", "×": "x", "✕": "x", "✖": "x"}


def key_of(character: str) -> str:
    """The key a typed character stands for. With Caps Lock, full-width input or a Japanese IME
    left on after a fill-in, o arrives as O, ｏ, Ｏ or お, x as X, ｘ or Ｘ, 3 as ３; the ○/× and
    〇 characters mean what they show. Anything else is itself (NFKC, lower case)."""
    folded = unicodedata.normalize("NFKC", character).casefold()
    return _KEY_ALIASES.get(folded, folded)


_TRUE = {"o", "○", "〇", "◯", "⭕", "true", "t", "yes", "y", "正", "正しい", "まる", "1"}
_FALSE = {"x", "×", "✕", "✖", "❌", "false", "f", "no", "n", "誤", "誤り", "ばつ", "バツ", "0"}


def parse_truth(text: str) -> bool | None:
    """○/× (and o/x, true/false, 正/誤) → bool; None when it is neither (or too long)."""
    if len(text) > MAX_INPUT:
        return None
    text = strip_format(text).strip()
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    if folded in _TRUE or text in _TRUE:
        return True
    if folded in _FALSE or text in _FALSE:
        return False
    return None
