"""Sentence templates that hold both languages, for the brief and its notebook.

Planners read Chinese first; reviewers may read English.  Each template has a
``zh`` and an ``en`` form with the same named slots, and the numbers are
formatted once, before they are put into a slot, so a figure reads identically
in both languages (``fmt``, ``pct``).  Decisions never read these strings.
"""

from __future__ import annotations

import string

LANGS = ("zh", "en")
LANG_CHOICES = ("zh", "en", "both")

TEMPLATES: dict[str, dict[str, str]] = {
    # index page
    "title": {"zh": "太仓市“十四五”科技创新规划目标评估简报", "en": "Taicang 14th Five-Year S&T plan: target brief"},
    "as_of": {"zh": "数据截至 {as_of}", "en": "Data as of {as_of}"},
    "generated": {"zh": "生成于 {when}", "en": "Generated {when}"},
    "headline": {"zh": "目标一览", "en": "Targets at a glance"},
    "headline_note": {
        "zh": "等级按欧盟统计局增速比方法（最近五年窗口）；概率为模型与参照类的合并预测；{basis}。"
              "外部视角：所述参照面板的模型（未校准），与合并预测并列；† = 合并预测无法运行，概率取自外部视角；"
              "‡ = 两者都无法运行，概率为基准率（同类地区以往规划目标的达标比例）",
        "en": "Grade: Eurostat rate ratio on the latest 5-year window; probability: pooled models and reference "
              "classes; {basis}. Outside view: the stated analogue panel's model (uncalibrated), shown beside the "
              "pool; † = the pool could not run and the outside view gives the probability; ‡ = neither could run, "
              "and the probability is the base rate (the share of past plan targets of the same kind of region "
              "that were met)"},
    "col_indicator": {"zh": "指标", "en": "Indicator"},
    "col_latest": {"zh": "最新值（年份）", "en": "Latest (year)"},
    "col_target": {"zh": "目标", "en": "Target"},
    "col_grade": {"zh": "评级", "en": "Grade"},
    "col_probability": {"zh": "达标概率", "en": "P(met)"},
    "col_outside_view": {"zh": "外部视角概率", "en": "Outside view P(met)"},
    "col_interval": {"zh": "{year}年预测中位数 [80%区间]", "en": "{year} median [80% interval]"},
    "col_light": {"zh": "信号", "en": "Light"},
    "no_value": {"zh": "无公开数值", "en": "no published value"},
    "pages": {"zh": "分析页面", "en": "Pages"},
    "col_page": {"zh": "笔记本", "en": "Notebook"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_time": {"zh": "用时", "en": "Time"},
    "seconds": {"zh": "{seconds} 秒", "en": "{seconds} s"},
    "status_ok": {"zh": "完成", "en": "ok"},
    "status_failed": {"zh": "失败", "en": "failed"},
    "status_timeout": {"zh": "超时停止", "en": "stopped at timeout"},
    "failed_banner": {"zh": "本页执行失败，以下为部分结果及错误信息：{error}",
                      "en": "This page failed; partial output and the error follow: {error}"},
    "figures": {"zh": "图表", "en": "Figures"},
    "changes": {"zh": "自 {since} 以来的变化", "en": "What changed since {since}"},
    "no_changes": {"zh": "与 {since} 的简报相比没有变化。", "en": "Nothing changed since the brief of {since}."},
    "no_earlier": {"zh": "没有更早的简报可供比较。", "en": "No earlier brief to compare with."},
    "change_new_figure": {"zh": "{name}：新公布 {year} 年数值 {value}",
                          "en": "{name}: new figure for {year}: {value}"},
    "change_revised_figure": {"zh": "{name}：{year} 年数值由 {old} 修订为 {new}",
                              "en": "{name}: {year} figure revised from {old} to {new}"},
    "change_probability": {"zh": "{name}：达标概率由 {old} 变为 {new}",
                           "en": "{name}: probability changed from {old} to {new}"},
    "change_grade": {"zh": "{name}：评级由“{old}”变为“{new}”", "en": "{name}: grade changed from '{old}' to '{new}'"},
    "change_new_indicator": {"zh": "{name}：新增指标", "en": "{name}: new in this brief"},
    "change_dropped_indicator": {"zh": "{name}：本期不再列出", "en": "{name}: no longer listed"},
    "row_with_probability": {
        "zh": "{name}：最新值 {latest}（{year}年），目标 {target}（{target_year}年），评级“{grade}”，达标概率 {probability}。",
        "en": "{name}: latest {latest} ({year}), target {target} ({target_year}), grade '{grade}', "
              "probability of meeting it {probability}."},
    "row_without_probability": {
        "zh": "{name}：最新值 {latest}（{year}年），目标 {target}（{target_year}年），评级“{grade}”；无法给出达标概率。",
        "en": "{name}: latest {latest} ({year}), target {target} ({target_year}), grade '{grade}'; no probability "
              "can be given."},
    "row_no_value": {
        "zh": "{name}：目标 {target}（{target_year}年）；尚无公开数值，无法评估。",
        "en": "{name}: target {target} ({target_year}); no published value yet, not assessable."},
    "reproduce": {"zh": "复现：见 manifest.json（输入文件哈希、软件版本、每个笔记本的重跑命令）",
                  "en": "Reproduce: see manifest.json (input hashes, package versions, the command that re-runs each "
                        "notebook)"},
    "pdf": {"zh": "打印版", "en": "Printable"},
    "peer_pace": {"zh": "{name}：同口径同类地区太少，外部视角无法估计；它们已公布的年均变化（描述，不是预测）：{pace}。",
                  "en": "{name}: too few same-definition peers to estimate an outside view; the pace they "
                        "published (a description, not a forecast): {pace}."},
    "base_rate_note": {
        "zh": "{name}：‡ 模型与外部视角均无法运行，概率为基准率：{regime}以往规划目标 {n} 个中达标 {k} 个"
              "（{cohorts} 组；达标比例的{level}区间 {low}–{high}）。它不反映该指标本身，也不反映目标的难度；信号按评级。",
        "en": "{name}: ‡ neither the models nor an outside view can run, so the probability is the base rate: "
              "{k} of {n} past plan targets of {regime} were met ({cohorts} cohorts; {level} interval of the "
              "share {low}–{high}). It says nothing about this indicator or how ambitious its target is; the light "
              "follows the grade."},
    "light_legend": {
        "zh": "信号：绿＝达标概率≥70%（无概率时：已达标或进度正常）；黄＝30%–70%（需要加速）；红＝<30%（进展有限或背离）；"
              "灰＝无法给出概率或评级",
        "en": "Light: green = P(met) ≥ 70% (without a probability: met or on track); amber = 30-70% (acceleration "
              "needed); red = under 30% (limited progress or moving away); grey = no probability and no grade"},
}

GRADES: dict[str, dict[str, str]] = {
    "target_already_met": {"zh": "已达到目标", "en": "target already met"},
    "on_track": {"zh": "进度正常", "en": "on track"},
    "acceleration_needed": {"zh": "需要加速", "en": "acceleration needed"},
    "limited_progress": {"zh": "进展有限", "en": "limited progress"},
    "moving_away": {"zh": "背离目标", "en": "moving away"},
    "required_pace_only": {"zh": "仅能给出所需速度", "en": "required pace only"},
    "not_assessable": {"zh": "无法评估（无公开数据）", "en": "not assessable (no published value)"},
}

LIGHTS: dict[str, dict[str, str]] = {
    "green": {"zh": "绿", "en": "green"}, "amber": {"zh": "黄", "en": "amber"},
    "red": {"zh": "红", "en": "red"}, "grey": {"zh": "灰", "en": "grey"},
}


def slots(key: str) -> set[str]:
    """The named slots of a template (the same in both languages: a test checks)."""
    out = set()
    for lang in LANGS:
        out |= {f for _, f, _, _ in string.Formatter().parse(TEMPLATES[key][lang]) if f}
    return out


def say(key: str, lang: str, **values) -> str:
    """One sentence in ``lang`` ('zh' or 'en'); values are already formatted strings."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return TEMPLATES[key][lang].format(**values)


def grade(status: str, lang: str) -> str:
    return GRADES[status][lang]


def light_word(light: str, lang: str) -> str:
    return LIGHTS[light][lang]


def langs_for(choice: str) -> tuple[str, ...]:
    """('zh',), ('en',) or ('zh', 'en') for a --lang choice."""
    if choice not in LANG_CHOICES:
        raise ValueError(f"lang must be one of {', '.join(LANG_CHOICES)}; got {choice!r}")
    return LANGS if choice == "both" else (choice,)


def pct(p: float | None) -> str:
    """A probability as printed everywhere in the brief: whole percent, or a dash."""
    return "—" if p is None else f"{p:.0%}"


def number(value: float | None, digits: int = 2) -> str:
    """A figure as printed everywhere (``present.text.fmt``: no trailing zeros, at most ``digits`` decimals)."""
    from .text import fmt  # lazily: the CLI's argument parser imports this module and needs no pandas
    return fmt(value, digits)


def row_sentence(row: dict, lang: str) -> str:
    """One sentence on one target from a headline row (``brief.headline``): the brief notebook's text."""
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    target = f"{row['comparator_sign']} {number(row['target_value'])} {row['unit']}"
    if row.get("latest_value") is None:
        return say("row_no_value", lang, name=name, target=target, target_year=row["target_year"])
    values = dict(name=name, latest=f"{number(row['latest_value'])} {row['unit']}", year=row["latest_year"],
                  target=target, target_year=row["target_year"], grade=grade(row["status"], lang))
    if row.get("probability") is None:
        return say("row_without_probability", lang, **values)
    return say("row_with_probability", lang, probability=pct(row["probability"]), **values)
