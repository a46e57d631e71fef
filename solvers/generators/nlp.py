"""Language-model counting problems: word2vec's parameters and BERT's masked-token split."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from solvers import nlp
from solvers.formatting import INTEGER, fmt_int, fmt_plain
from solvers.template import Candidate, Draft, Template

_ARCH = {"cbow": "CBOW", "skipgram": "skip-gram"}
_PER_CONTEXT = {
    "cbow": "入力側（CBOW の文脈語の側）に文脈語ごとの W_in を 2C 個持つと考えています（W_in は共有）",
    "skipgram": "出力側（skip-gram の文脈語の側）に文脈語ごとの W_out を 2C 個持つと考えています"
    "（W_out は共有）",
}


def _build_word2vec(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    v, d, arch, window = p["vocab"], p["dim"], p["arch"], p["window"]
    if arch not in _ARCH:
        return None
    answer = nlp.word2vec_params(v, d)
    candidates: list[Candidate] = [
        (
            "one-matrix",
            "入力側の埋め込み行列 W_in だけを数えています（出力側 W_out も V×d）",
            float(v * d),
        ),
        ("added-bias", "出力層にバイアスがあると数えています", float(answer + v)),
        ("vocab-squared", "one-hot 同士をつなぐ V×V の行列と考えています", float(v * v)),
        (
            "per-context-matrix",
            _PER_CONTEXT[arch],
            float((2 * window + 1) * v * d),
        ),
    ]
    return Draft(
        params={"vocab": v, "dim": d, "arch": arch, "window": window},
        prompt=(
            f"語彙数 V = {fmt_int(v)}、埋め込み次元 d = {d}、ウィンドウサイズ C = {window}"
            f"（中心語の前後 {window} 語ずつ）の word2vec（{_ARCH[arch]}、入力側の埋め込み行列 W_in と"
            f"出力側の行列 W_out を持ち、バイアスなし、ソフトマックス出力）の学習可能なパラメータ数を"
            f"求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=[
            f"W_in は V×d = {fmt_int(v)}×{d}、W_out は d×V（{_ARCH[arch]} でも同じ。文脈語が何語あっても行列は共有する）",
            f"2 × {fmt_int(v)} × {d} = {fmt_int(answer)}",
        ],
    )


_QUESTIONS = {
    "mask": "[MASK] に置き換えられるトークン数",
    "random": "ランダムなトークンに置き換えられるトークン数",
    "unchanged": "選ばれたが元のまま残るトークン数",
    "loss": "MLM の損失が計算されるトークン数",
}


def _round(x: Fraction) -> int:
    return int(x + Fraction(1, 2))


def _build_bert(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, question = p["tokens"], p["question"]
    if question not in _QUESTIONS:
        return None
    sel, mask, rnd, same = nlp.bert_masking_counts(n)
    answer = {"mask": mask, "random": rnd, "unchanged": same, "loss": sel}[question]
    share = Fraction({"mask": 8, "random": 1, "unchanged": 1, "loss": 10}[question], 10)
    down = {
        "mask": 8 * sel // 10,
        "random": sel // 10,
        "unchanged": sel - 8 * sel // 10 - sel // 10,
        "loss": 15 * n // 100,
    }[question]
    candidates: list[Candidate] = [
        ("selected-count", "選ばれたトークン全体（15%）を答えています", float(sel)),
        (
            "share-of-all",
            "選択の 15% を掛けずに、全トークンに割合を掛けています",
            float(_round(n * share)),
        ),
        ("rounded-down", "四捨五入ではなく切り捨てています", float(down)),
        ("unselected", "選ばれなかったトークン数を答えています", float(n - sel)),
        ("mask-and-random", "[MASK] とランダム置換の合計を答えています", float(mask + rnd)),
    ]
    if question == "loss":
        candidates += [
            (
                "loss-on-mask-only",
                "[MASK] にしたトークンだけで損失を計算すると考えています",
                float(mask),
            ),
            ("loss-on-all", "全トークンで損失を計算すると考えています", float(n)),
        ]
    elif question == "unchanged":
        candidates.append(
            (
                "rounded-separately",
                "「そのまま」も選んだ数の 10% を四捨五入して求めています（残りは差で決める）",
                float(_round(Fraction(sel, 10))),
            )
        )
    steps = [
        f"選ぶ数: 0.15×{n} = {fmt_plain(Fraction(15 * n, 100))} → {sel}",
        f"[MASK]: 0.8×{sel} = {fmt_plain(Fraction(8 * sel, 10))} → {mask}、ランダム: 0.1×{sel} = "
        f"{fmt_plain(Fraction(sel, 10))} → {rnd}、そのまま: {sel} − {mask} − {rnd} = {same}",
    ]
    if question == "loss":
        steps.append("損失は選んだトークンすべて（そのままのものも含む）で計算する")
    return Draft(
        params={"tokens": n, "question": question},
        prompt=(
            f"BERT の事前学習（Masked LM）で、{n} トークンの系列から 15% を予測対象に選び"
            f"（{fmt_plain(0.15)}×{n} を四捨五入した数）、選んだトークンの 80% を [MASK]、10% を"
            f"ランダムなトークンに置き換え、残りを元のままにする（80% と 10% はそれぞれ選んだ数に掛けて"
            f"四捨五入し、残りは差で決める）。{_QUESTIONS[question]}を求めよ。"
        ),
        answer=float(answer),
        fmt=INTEGER,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="word2vec_params",
        title="word2vec のパラメータ数",
        topic="e-nlp",
        exams=("E",),
        build=_build_word2vec,
        ranges={
            "vocab": [10000, 20000, 30000, 50000, 100000],
            "dim": [100, 128, 200, 300],
            "arch": ["cbow", "skipgram"],
            "window": [2, 3, 5],
        },
    ),
    Template(
        name="bert_masking",
        title="BERT のマスク対象トークン数",
        topic="e-nlp",
        exams=("E",),
        build=_build_bert,
        ranges={
            "tokens": [128, 200, 256, 300, 384, 400, 512],
            "question": list(_QUESTIONS),
        },
    ),
)
