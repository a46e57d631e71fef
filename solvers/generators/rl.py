"""Reinforcement-learning problems: the discounted return, ε-greedy action probabilities, and one
Q-learning, SARSA or TD(0) update by hand."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from solvers.formatting import (
    NumberFormat,
    fixed,
    fmt_int,
    fmt_plain,
    fmt_rational,
    fmt_result,
    paren,
    power,
    subscript,
    written,
)
from solvers.template import Candidate, Draft, Template, random_ints

_FIXED3 = fixed(3)


def _tenths(units: list[int]) -> list[float]:
    return [u / 10 for u in units]


# --------------------------------------------------------------------------- discounted_return


def _build_return(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    length, gamma, start = p["length"], p["gamma"], p["start"]
    if length < 2 or not 0 < gamma < 1 or not 0 <= start < length - 1:
        return None
    rewards = random_ints(rng, length, -1, 5)
    g = written(gamma)
    tail = rewards[start:]
    if sum(1 for r in tail if r) < 2:
        return None
    num, den = g.numerator, g.denominator
    last = len(tail) - 1
    # in integers over den^last: γᵏr = r·numᵏ·den^(last−k)/den^last
    answer = Fraction(sum(r * num**k * den ** (last - k) for k, r in enumerate(tail)), den**last)
    weighted = [Fraction(r * num**k, den**k) for k, r in enumerate(tail)]
    gf = float(g)
    floats = [gf**k for k in range(len(tail))]
    whole = sum(gf**k * r for k, r in enumerate(rewards))
    reversed_ = sum(w * r for w, r in zip(reversed(floats), tail, strict=True))
    candidates: list[Candidate] = [
        (
            "discounted-first-reward",
            "最初の報酬にも γ を掛けています（最初の報酬は γ⁰ = 1 倍）",
            gf * float(answer),
        ),
        ("undiscounted", "割り引かずに報酬を足しています", float(sum(tail))),
        (
            "reversed-discount",
            "割引を逆順に掛けています（最後の報酬を割り引かず、最初の報酬ほど割り引いている）",
            reversed_,
        ),
        (
            "discounted-once",
            "2 番目以降の報酬に γ を 1 回だけ掛けています（γᵏ のべき乗にしていない）",
            tail[0] + gf * sum(tail[1:]),
        ),
        (
            "included-earlier-rewards",
            f"時刻 t = {start} より前の報酬も含めています",
            whole if start else None,
        ),
    ]
    fmt = _FIXED3
    rs = "、".join(f"r{subscript(t + 1)} = {fmt_plain(r)}" for t, r in enumerate(rewards))
    terms = " + ".join(
        f"{'' if k == 0 else power(fmt_plain(gamma), k) if k > 1 else fmt_plain(gamma)}"
        f"{'' if k == 0 else '×'}{paren(fmt_plain(r)) if k else fmt_plain(r)}"
        for k, r in enumerate(tail)
    )
    values = " + ".join(paren(fmt_rational(w)) for w in weighted)
    t1 = subscript(start + 1)
    return Draft(
        params={"length": length, "gamma": gamma, "start": start, "rewards": rewards},
        prompt=(
            f"あるエピソードで、エージェントは時刻 t = 0, 1, 2, … の行動のあとに報酬 {rs} を"
            f"受け取って終了した（時刻 t の行動のあとの報酬を r_(t+1) と書く）。割引率 γ = "
            f"{fmt_plain(gamma)} のとき、時刻 t = {start} からの割引収益 "
            f"G{subscript(start)} = r{t1} + γr{subscript(start + 2)} + γ²r{subscript(start + 3)} + … "
            f"を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"G{subscript(start)} は r{t1} から始まり、最初の報酬は γ⁰ = 1 倍、以後 1 ステップごとに γ 倍",
            f"G{subscript(start)} = {terms} = {values} {fmt_result(answer, fmt)}",
        ],
    )


# ------------------------------------------------------------------------------ epsilon_greedy


def _build_epsilon_greedy(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    n, eps, question = p["actions"], p["epsilon"], p["question"]
    if n < 2 or not 0 < eps < 1 or question not in ("greedy", "other"):
        return None
    q = _tenths(random_ints(rng, n, -10, 30))
    best = max(q)
    if q.count(best) > 1:
        return None
    greedy = q.index(best)
    (pick,) = random_ints(rng, 1, 0, n - 2)
    other = pick if pick < greedy else pick + 1
    e = written(eps)
    share = e / n
    ef = float(e)
    fmt = _FIXED3
    if question == "greedy":
        target = greedy
        answer = 1 - e + share
        candidates: list[Candidate] = [
            (
                "forgot-random-share",
                "ランダム選択で Q 値最大の行動が選ばれる分 ε/|A| を足し忘れています",
                1 - ef,
            ),
            ("subtracted-share", "1 − ε/|A| としています", 1 - ef / n),
            ("greedy-is-epsilon", "ε を Q 値最大の行動の確率と取り違えています", ef + ef / n),
            ("uniform", "すべての行動を等確率としています", 1 / n),
        ]
        steps = [
            f"確率 ε = {fmt_plain(eps)} で {n} 個の行動から一様に選ぶので、どの行動も ε/|A| = "
            f"{fmt_plain(eps)}/{n} = {fmt_rational(share)} の確率で選ばれる",
            f"Q 値最大の a{subscript(greedy + 1)} は、さらに確率 1 − ε で選ばれる: "
            f"1 − {fmt_plain(eps)} + {fmt_rational(share)} {fmt_result(answer, fmt)}",
        ]
    else:
        target = other
        answer = share
        candidates = [
            (
                "excluded-greedy",
                "ランダム選択から Q 値最大の行動を除いて ε/(|A| − 1) としています",
                ef / (n - 1) if n > 2 else None,
            ),
            ("forgot-divide", "ε を行動数で割り忘れています", ef),
            ("never-chosen", "Q 値最大でない行動は選ばれないと考えています", 0.0),
            ("uniform", "すべての行動を等確率としています", 1 / n),
            (
                "greedy-probability",
                "Q 値最大の行動の確率 1 − ε + ε/|A| を答えています",
                1 - ef + ef / n,
            ),
        ]
        steps = [
            f"a{subscript(other + 1)} は Q 値最大ではないので、ランダム選択（確率 ε）のときだけ選ばれる",
            f"ε/|A| = {fmt_plain(eps)}/{n} {fmt_result(answer, fmt)}",
        ]
    qs = "、".join(f"Q(a{subscript(i + 1)}) = {fmt_plain(v)}" for i, v in enumerate(q))
    return Draft(
        params={"actions": n, "epsilon": eps, "question": question, "q": q, "action": target + 1},
        prompt=(
            f"ある状態での行動価値が {qs} である。ε-greedy 方策（確率 ε = {fmt_plain(eps)} で"
            f"全 {n} 行動から一様ランダムに選び（Q 値最大の行動も含む）、確率 1 − ε で Q 値最大の"
            f"行動を選ぶ）で行動 a{subscript(target + 1)} が選ばれる確率を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=steps,
    )


# ---------------------------------------------------------------- q_learning_update, td0_update


def _update_candidates(v: float, target: float, no_gamma: float, alpha: float) -> list[Candidate]:
    """The mistakes every one-step update invites, for current value v and TD target."""
    delta = target - v
    return [
        ("forgot-gamma", "割引率 γ を掛け忘れています", v + alpha * (no_gamma - v)),
        ("forgot-alpha", "学習率 α を掛けず、TD ターゲットで置き換えています", target),
        (
            "forgot-subtract",
            "TD 誤差で現在の値を引き忘れています（α×TD ターゲットを足している）",
            v + alpha * target,
        ),
        ("increment-only", "更新量 α×TD 誤差 だけを答えています", alpha * delta),
        ("sign-flipped", "更新の向きが逆です（TD 誤差を引いている）", v - alpha * delta),
    ]


def _update(
    value: Fraction, reward: int, bootstrap: Fraction, alpha: float, gamma: float
) -> tuple[Fraction, Fraction, NumberFormat, list[str]]:
    """TD target, TD error and the updated value, exactly, with the steps that show them."""
    target = reward + written(gamma) * bootstrap
    delta = target - value
    answer = value + written(alpha) * delta
    fmt = _FIXED3
    shown_value, shown_delta = fmt_rational(value), fmt_rational(delta)
    steps = [
        f"TD 誤差 = {fmt_rational(target)} − {paren(shown_value)} = {shown_delta}",
        f"{shown_value} + {fmt_plain(alpha)}×{paren(shown_delta)} {fmt_result(answer, fmt)}",
    ]
    return target, answer, fmt, steps


def _build_q_update(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    algorithm, alpha, gamma, n = p["algorithm"], p["alpha"], p["gamma"], p["actions"]
    if algorithm not in ("q_learning", "sarsa") or not (0 < alpha <= 1 and 0 < gamma < 1) or n < 2:
        return None
    q_units = random_ints(rng, n + 1, 0, 30)
    (reward,) = random_ints(rng, 1, -1, 3)
    q_sa, nexts = q_units[0], q_units[1:]
    best = max(nexts)
    taken = [i for i, v in enumerate(nexts) if v != best]
    if not taken or nexts.count(best) > 1:
        return None
    (pick,) = random_ints(rng, 1, 0, len(taken) - 1)
    a_next = taken[pick]
    learning = algorithm == "q_learning"
    boot_units, other_units = (best, nexts[a_next]) if learning else (nexts[a_next], best)
    bootstrap = Fraction(boot_units, 10)
    target, answer, fmt, update = _update(Fraction(q_sa, 10), reward, bootstrap, alpha, gamma)
    qf, bf, of = q_sa / 10, boot_units / 10, other_units / 10
    tf = reward + gamma * bf
    other_value = qf + alpha * (reward + gamma * of - qf)
    if learning:
        swapped: Candidate = (
            "used-sarsa-target",
            "実際に選んだ次の行動の Q 値を使っています（それは SARSA の更新）",
            other_value,
        )
    else:
        swapped = (
            "used-max-target",
            "次の状態の最大の Q 値を使っています（それは Q 学習の更新）",
            other_value,
        )
    candidates = [swapped, *_update_candidates(qf, tf, reward + bf, alpha)]
    nexts_text = "、".join(
        f"Q(s′, a{subscript(i + 1)}) = {fmt_plain(v / 10)}" for i, v in enumerate(nexts)
    )
    shown_boot = fmt_plain(bf)
    which = (
        f"max Q(s′, ·) = {shown_boot}（Q 学習は次の状態で最大の Q 値を使う）"
        if learning
        else f"Q(s′, a{subscript(a_next + 1)}) = {shown_boot}（SARSA は実際に選んだ次の行動の Q 値を使う）"
    )
    return Draft(
        params={
            "algorithm": algorithm,
            "alpha": alpha,
            "gamma": gamma,
            "actions": n,
            "q": qf,
            "reward": reward,
            "next_q": [v / 10 for v in nexts],
            "next_action": a_next + 1,
        },
        prompt=(
            f"状態 s で行動 a を取り、報酬 r = {fmt_int(reward)} を得て状態 s′ に移った。Q(s, a) = "
            f"{fmt_plain(qf)}、s′ での行動価値は {nexts_text} で、方策（ε-greedy）が s′ で実際に"
            f"選んだ次の行動は a{subscript(a_next + 1)} であった。学習率 α = {fmt_plain(alpha)}、"
            f"割引率 γ = {fmt_plain(gamma)} として、{'Q 学習で' if learning else 'SARSA で'} 1 回"
            "更新した後の Q(s, a) を"
            f"{fmt.instruction()}求めよ（更新は Q(s, a) ← Q(s, a) + α(TD ターゲット − Q(s, a))）。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"使う次の値: {which}",
            f"TD ターゲット = r + γ×{shown_boot} = {fmt_int(reward)} + {fmt_plain(gamma)}×"
            f"{shown_boot} = {fmt_rational(target)}",
            update[0],
            f"Q(s, a) ← {update[1]}",
        ],
    )


def _build_td0(p: dict[str, Any], rng: np.random.Generator) -> Draft | None:
    alpha, gamma = p["alpha"], p["gamma"]
    if not (0 < alpha <= 1 and 0 < gamma < 1):
        return None
    v_units, next_units = random_ints(rng, 2, -10, 50)
    (reward,) = random_ints(rng, 1, -2, 5)
    if next_units == 0:
        return None
    target, answer, fmt, update = _update(
        Fraction(v_units, 10), reward, Fraction(next_units, 10), alpha, gamma
    )
    vf, nf = v_units / 10, next_units / 10
    if target == Fraction(v_units, 10):
        return None
    candidates = [
        *_update_candidates(vf, reward + gamma * nf, reward + nf, alpha),
        (
            "used-next-value",
            "V(s′) をそのまま TD ターゲットにしています（報酬を足していない）",
            vf + alpha * (gamma * nf - vf),
        ),
    ]
    return Draft(
        params={"alpha": alpha, "gamma": gamma, "v": vf, "reward": reward, "next_v": nf},
        prompt=(
            f"状態 s（状態価値 V(s) = {fmt_plain(vf)}）から報酬 r = {fmt_int(reward)} を得て状態 s′"
            f"（V(s′) = {fmt_plain(nf)}）に移った。学習率 α = {fmt_plain(alpha)}、割引率 "
            f"γ = {fmt_plain(gamma)} の TD(0) 法 V(s) ← V(s) + α[r + γV(s′) − V(s)] で更新した後の "
            f"V(s) を{fmt.instruction()}求めよ。"
        ),
        answer=answer,
        fmt=fmt,
        candidates=candidates,
        steps=[
            f"TD ターゲット r + γV(s′) = {fmt_int(reward)} + {fmt_plain(gamma)}×{paren(fmt_plain(nf))} "
            f"= {fmt_rational(target)}",
            update[0],
            f"V(s) ← {update[1]}",
        ],
    )


GENERATORS = (
    Template(
        name="discounted_return",
        title="割引収益（割引報酬和）",
        topic="reinforcement-learning",
        exams=("G", "E"),
        build=_build_return,
        ranges={"length": [3, 4, 5], "gamma": [0.5, 0.8, 0.9], "start": [0, 1]},
    ),
    Template(
        name="epsilon_greedy",
        title="ε-greedy 方策で行動が選ばれる確率",
        topic="reinforcement-learning",
        exams=("G", "E"),
        build=_build_epsilon_greedy,
        ranges={
            "actions": [2, 3, 4, 5],
            "epsilon": [0.05, 0.1, 0.2, 0.3],
            "question": ["greedy", "other"],
        },
    ),
    Template(
        name="q_learning_update",
        title="Q 学習と SARSA の 1 回の更新",
        topic="reinforcement-learning",
        exams=("G", "E"),
        build=_build_q_update,
        ranges={
            "algorithm": ["q_learning", "sarsa"],
            "alpha": [0.1, 0.2, 0.5],
            "gamma": [0.5, 0.8, 0.9],
            "actions": [2, 3],
        },
    ),
    Template(
        name="td0_update",
        title="TD(0) 法による状態価値の更新",
        topic="reinforcement-learning",
        exams=("G", "E"),
        build=_build_td0,
        ranges={"alpha": [0.1, 0.2, 0.5], "gamma": [0.5, 0.8, 0.9]},
    ),
)
