"""Deep reinforcement-learning problems: the regression target of DQN and Double DQN, with a
target network and a terminal next state."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import (
    fixed,
    fmt_int,
    fmt_plain,
    fmt_rational,
    fmt_result,
    paren,
    subscript,
)
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)


def _build_dqn(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    method, gamma, terminal, n = p["method"], p["gamma"], p["terminal"], p["actions"]
    if method not in ("dqn", "double_dqn") or not 0 < gamma < 1 or n < 2:
        return None
    draws = random_ints(rng, 2 * n + 1, -10, 30)
    online, target = draws[:n], draws[n : 2 * n]
    reward = draws[-1] % 5 - 2  # −2 … 2
    if len(set(online)) < n or len(set(target)) < n:
        return None
    pick = online.index(max(online))
    best_t = target.index(max(target))
    if pick == best_t:
        return None  # the two targets would coincide: nothing for Double DQN to change
    g = Fraction(repr(gamma))
    double = method == "double_dqn"
    boot = Fraction(target[pick] if double else max(target), 10)
    answer = Fraction(reward) if terminal else reward + g * boot
    gf = float(g)

    def y(v: float) -> float:
        return reward + gf * v

    candidates: list[Candidate] = [
        (
            "used-online-max",
            "オンラインネットワークの最大値 max Q_online(s′, ·) を使っています",
            y(max(online) / 10),
        ),
        ("forgot-gamma", "割引率 γ を掛け忘れています", reward + float(boot)),
        ("used-min", "最大値ではなく最小値を使っています", y(min(target) / 10)),
        ("ignored-bootstrap", "終端でないのに y = r としています", float(reward)),
        (
            "used-dqn-target" if double else "used-double-target",
            "Double DQN のターゲット（オンラインで選び、ターゲットで評価）を使っています"
            if not double
            else "通常の DQN のターゲット max Q_target(s′, ·) を使っています",
            y(max(target) / 10) if double else y(target[pick] / 10),
        ),
    ]
    if terminal:
        candidates = [
            (
                "bootstrapped-terminal",
                "終端状態なのに γ×(次の状態の価値) を足しています（終端では y = r）",
                y(float(boot)),
            ),
            (
                "bootstrapped-undiscounted",
                "終端状態なのに次の状態の価値を γ を掛けずに足しています",
                reward + float(boot),
            ),
            ("zero-target", "終端状態のターゲットを 0 としています", 0.0 if reward else None),
            (
                "online-bootstrap",
                "終端状態なのにオンラインネットワークの最大値で価値を足しています",
                y(max(online) / 10),
            ),
            (
                "next-value-only",
                "報酬を使わず γ×(次の状態の価値) だけを目標にしています",
                gf * float(boot),
            ),
        ]
    actions = [f"a{subscript(i + 1)}" for i in range(n)]
    onl = "、".join(f"{a}: {fmt_plain(v / 10)}" for a, v in zip(actions, online, strict=True))
    tgt = "、".join(f"{a}: {fmt_plain(v / 10)}" for a, v in zip(actions, target, strict=True))
    rule = (
        "Double DQN（次の行動をオンラインネットワークで選び、その価値をターゲットネットワークで評価する）"
        if double
        else "DQN（ターゲットネットワークの最大値を使う）"
    )
    if terminal:
        steps = [
            "s′ は終端状態なので、次の状態の価値は足さない",
            f"y = r {fmt_result(answer, _FIXED3)}",
        ]
    elif double:
        steps = [
            f"オンラインネットワークで次の行動を選ぶ: argmax Q_online(s′, ·) = {actions[pick]}",
            f"その価値をターゲットネットワークで評価: Q_target(s′, {actions[pick]}) = {fmt_rational(boot)}",
            f"y = {fmt_int(reward)} + {fmt_plain(gamma)}×{paren(fmt_rational(boot))} {fmt_result(answer, _FIXED3)}",
        ]
    else:
        steps = [
            f"ターゲットネットワークの最大値: max Q_target(s′, ·) = {fmt_rational(boot)}",
            f"y = {fmt_int(reward)} + {fmt_plain(gamma)}×{paren(fmt_rational(boot))} {fmt_result(answer, _FIXED3)}",
        ]
    return Draft(
        params={
            "method": method,
            "gamma": gamma,
            "terminal": terminal,
            "actions": n,
            "reward": reward,
            "q_online": [v / 10 for v in online],
            "q_target": [v / 10 for v in target],
        },
        prompt=(
            f"{rule}で学習している。遷移 (s, a, r = {fmt_int(reward)}, s′) について、次の状態 s′ での"
            f"行動価値はオンラインネットワークで {onl}、ターゲットネットワークで {tgt} である。s′ は"
            f"{'終端状態である' if terminal else '終端状態ではない'}。割引率 γ = {fmt_plain(gamma)} の"
            f"とき、Q(s, a) を近づける目標値 y を{_FIXED3.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=_FIXED3,
        candidates=candidates,
        steps=steps,
    )


GENERATORS = (
    Template(
        name="dqn_target",
        title="DQN と Double DQN の目標値",
        topic="e-deep-rl",
        exams=("E",),
        build=_build_dqn,
        ranges={
            "method": ["dqn", "double_dqn"],
            "gamma": [0.9, 0.95, 0.99],
            "terminal": [False, True],
            "actions": [3, 4],
        },
    ),
)
