"""The indicators this project knows, one definition each.

Different definitions (口径) are different indicators: all valid invention
patents per 10k people is not high-value invention patents per 10k people;
高新技术产业 (provincial "high-tech industry") is not 高技术制造业 (NBS
"high-technology manufacturing"); valid, cumulative and newly certified
high-tech enterprises are three series.  A series is never continued across
such a break: the registry names the related indicators (``proxy_for``) so a
report can mention them, and nothing substitutes one for another silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["share", "ratio", "per_10k", "stock", "flow", "period_total", "level"]
Direction = Literal["up", "down", "none"]


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    unit: str  # the canonical unit every value is normalised to
    kind: Kind
    direction: Direction = "up"
    bounds: tuple[float, float] | None = None  # natural limits, e.g. (0, 100) for a share
    notes: str = ""
    related: tuple[str, ...] = field(default=())  # other definitions of a similar idea

    @property
    def is_share(self) -> bool:
        return self.kind == "share"


_SHARE = (0.0, 100.0)

INDICATORS: tuple[Indicator, ...] = (
    # -- the plan's S&T indicators (Tables 1 and 2) -------------------------
    Indicator("rd_intensity", "全社会研发经费支出占地区生产总值比重", "R&D expenditure as % of GDP",
              "%", "share", bounds=_SHARE,
              notes="Moves with GDP revisions after each economic census (the provincial series breaks between 2018 and 2019)."),
    Indicator("st_progress_contribution", "科技进步贡献率", "Contribution of S&T progress to growth",
              "%", "share", bounds=_SHARE,
              notes="A model-based estimate (Solow residual share) published by S&T bureaus, not a survey count."),
    Indicator("invention_patents_per_10k", "万人发明专利拥有量（有效）", "Valid invention patents per 10k residents",
              "件/万人", "per_10k", bounds=(0.0, float("inf")),
              notes="All valid (in force) invention patents per 10k resident population. The 14th plan's target counts high-value ones only.",
              related=("high_value_invention_patents_per_10k",)),
    Indicator("high_value_invention_patents_per_10k", "万人高价值发明专利拥有量", "High-value invention patents per 10k residents",
              "件/万人", "per_10k", bounds=(0.0, float("inf")),
              notes="A subset of valid invention patents (nationally about 40-43% of them): never continued from invention_patents_per_10k.",
              related=("invention_patents_per_10k",)),
    Indicator("hightech_output_share", "高新技术产业产值占规模以上工业总产值比重", "High-tech industry output as % of above-scale industrial output",
              "%", "share", bounds=_SHARE,
              notes="Jiangsu's 高新技术产业 definition, much broader than NBS 高技术制造业 (high-technology manufacturing).",
              related=("hightech_manufacturing_output_share",)),
    Indicator("hightech_manufacturing_output_share", "高技术制造业产值占规模以上工业总产值比重", "High-technology manufacturing output as % of above-scale industrial output (NBS)",
              "%", "share", bounds=_SHARE, related=("hightech_output_share",)),
    Indicator("hightech_enterprises_valid", "有效高新技术企业数", "Valid (certified, in force) high-tech enterprises",
              "家", "stock", bounds=(0.0, float("inf")),
              notes="The 14th plan's target (有效高新技术企业达1600家以上).",
              related=("hightech_enterprises_cumulative", "hightech_enterprises_total", "hightech_enterprises_new")),
    Indicator("hightech_enterprises_cumulative", "累计高新技术企业数（省级以上）", "High-tech enterprises, cumulative (provincial and above)",
              "家", "stock", bounds=(0.0, float("inf")),
              notes="The 13th plan's indicator (省级以上高新技术企业数; 2020: 累计拥有676家).",
              related=("hightech_enterprises_valid", "hightech_enterprises_total")),
    Indicator("hightech_enterprises_total", "高新技术企业总数（口径未注明）", "High-tech enterprises, total (basis not stated)",
              "家", "stock", bounds=(0.0, float("inf")),
              notes="Published as 总数/总量 without saying valid or cumulative; kept apart from both.",
              related=("hightech_enterprises_valid", "hightech_enterprises_cumulative")),
    Indicator("hightech_enterprises_new", "新认定高新技术企业数", "Newly certified high-tech enterprises",
              "家", "flow", bounds=(0.0, float("inf")), related=("hightech_enterprises_valid",)),
    Indicator("tech_smes_registered", "科技型中小企业评价入库数", "Tech-based SMEs evaluated and registered in the year",
              "家", "flow", bounds=(0.0, float("inf")),
              notes="Re-registered every year: an annual flow, not a stock."),
    Indicator("tech_contract_turnover", "技术合同成交额", "Technology contract turnover",
              "亿元", "flow", bounds=(0.0, float("inf")),
              notes="Published on two bases (registration vs statistics); the plan's 2020 value is the certified (认定) amount.",
              related=("tech_contract_certified",)),
    Indicator("tech_contract_certified", "技术合同认定额", "Certified technology contract value",
              "亿元", "flow", bounds=(0.0, float("inf")), related=("tech_contract_turnover",)),
    Indicator("provincial_enterprise_rd_institutions", "省级企业研发机构数", "Provincial-level enterprise R&D institutions",
              "家", "stock", bounds=(0.0, float("inf"))),
    Indicator("incubators_and_maker_spaces", "市级以上孵化器、众创空间数", "Incubators and maker spaces, municipal level and above",
              "家", "stock", bounds=(0.0, float("inf"))),
    Indicator("st_leading_talents", "科技领军人才数", "S&T leading talents (Taicang programme)",
              "人", "stock", bounds=(0.0, float("inf"))),
    Indicator("major_innovation_teams", "重大创新创业团队数", "Major innovation and entrepreneurship teams",
              "个", "stock", bounds=(0.0, float("inf"))),
    Indicator("foreign_talents", "外国高端人才和专业人才来华工作人数", "Foreign high-end and professional talents working locally",
              "人", "stock", bounds=(0.0, float("inf"))),
    Indicator("new_incubator_area", "新投用孵化器面积", "Incubator floor area newly put into use over the plan period",
              "万平方米", "period_total", bounds=(0.0, float("inf"))),
    Indicator("new_rd_institutions", "新型研发机构数", "New-type R&D institutions",
              "家", "stock", bounds=(0.0, float("inf"))),
    Indicator("new_listed_tech_firms", "新增科技上市企业数", "Newly listed tech companies over the plan period",
              "家", "period_total", bounds=(0.0, float("inf"))),
    Indicator("high_level_talents_per_10k", "万人拥有高层次人才数", "High-level talents per 10k residents",
              "人/万人", "per_10k", bounds=(0.0, float("inf"))),
    Indicator("national_talents_recruited", "引进培育国家级人才数", "National-level talents recruited or trained over the plan period",
              "人", "period_total", bounds=(0.0, float("inf"))),
    Indicator("gusu_leading_talents", "姑苏以上领军人才数", "Gusu-level and above leading talents",
              "人", "stock", bounds=(0.0, float("inf"))),
    Indicator("st_services_scale", "科技服务业规模", "Scale of the S&T services sector",
              "亿元", "level", bounds=(0.0, float("inf"))),
    Indicator("rd_institution_rate_above_scale", "规上工业企业研发机构建有率", "Share of above-scale industrial firms with an R&D institution",
              "%", "share", bounds=_SHARE),
    Indicator("rd_personnel_share", "研发人员占比", "R&D personnel share", "%", "share", bounds=_SHARE),
    # -- components and context ----------------------------------------------
    Indicator("rd_expenditure", "全社会研发经费支出", "R&D expenditure", "亿元", "flow", bounds=(0.0, float("inf"))),
    Indicator("basic_research_expenditure", "基础研究经费", "Basic research expenditure", "亿元", "flow", bounds=(0.0, float("inf"))),
    Indicator("gdp", "地区生产总值", "GDP (current prices)", "亿元", "flow", direction="none", bounds=(0.0, float("inf")),
              notes="Revised after each economic census; preliminary (预计数) figures come first."),
    Indicator("gdp_per_capita", "人均地区生产总值", "GDP per resident", "万元", "ratio", direction="none", bounds=(0.0, float("inf"))),
    Indicator("service_value_added", "服务业增加值", "Service-sector value added", "亿元", "flow", direction="none", bounds=(0.0, float("inf"))),
    Indicator("resident_population", "常住人口", "Resident population (year end or census)", "万人", "stock", direction="none", bounds=(0.0, float("inf")),
              notes="The denominator of per-10k indicators.", related=("registered_population",)),
    Indicator("registered_population", "户籍人口", "Registered (hukou) population", "万人", "stock", direction="none", bounds=(0.0, float("inf")),
              related=("resident_population",)),
    Indicator("above_scale_industrial_output", "规模以上工业总产值", "Above-scale industrial output", "亿元", "flow", direction="none", bounds=(0.0, float("inf"))),
    Indicator("hightech_output_value", "高新技术产业产值", "High-tech industry output", "亿元", "flow", bounds=(0.0, float("inf"))),
    Indicator("hightech_manufacturing_output_value", "高技术制造业产值", "High-technology manufacturing output (NBS)", "亿元", "flow", bounds=(0.0, float("inf"))),
    Indicator("valid_invention_patents", "有效发明专利数", "Valid invention patents (count)", "件", "stock", bounds=(0.0, float("inf"))),
    Indicator("valid_utility_model_patents", "有效实用新型专利数", "Valid utility model patents (count)", "件", "stock", bounds=(0.0, float("inf"))),
    Indicator("valid_design_patents", "有效外观设计专利数", "Valid design patents (count)", "件", "stock", bounds=(0.0, float("inf"))),
    Indicator("valid_patents_total", "有效专利总数", "Valid patents, all types (count)", "件", "stock", bounds=(0.0, float("inf"))),
    Indicator("high_value_invention_patents", "高价值发明专利拥有量", "High-value invention patents held (count)", "件", "stock", bounds=(0.0, float("inf"))),
    # -- added with the 2021-2025 regional figures and the newer reference panels ------------------
    Indicator("national_incubators", "国家级科技企业孵化器数", "National-level tech business incubators (cumulative)",
              "家", "stock", bounds=(0.0, float("inf")),
              notes="National level only (科技部火炬中心 lists); the plan's incubator target counts municipal level and above.",
              related=("incubators_and_maker_spaces",)),
    Indicator("hightech_enterprises_recognised", "当年高新技术企业认定数（含重新认定）", "High-tech enterprises in the year's recognition lists (new and re-certified)",
              "家", "flow", bounds=(0.0, float("inf")),
              notes="Firms in the year's 认定 announcements, new plus re-certified (a certificate lasts three years): a flow, not the stock of valid enterprises.",
              related=("hightech_enterprises_new", "hightech_enterprises_valid")),
    Indicator("tech_market_turnover_seller", "技术市场成交额（技术输出地域）", "Technology-market contract turnover by seller region (S&T yearbook)",
              "亿元", "flow", bounds=(0.0, float("inf")),
              notes="China S&T Yearbook table 技术市场技术输出地域; provinces' headline 技术合同成交额 is registration-based and differs in level.",
              related=("tech_contract_turnover", "tech_market_turnover_buyer")),
    Indicator("tech_market_turnover_buyer", "技术市场成交额（技术吸纳地域）", "Technology-market contract turnover by buyer region (S&T yearbook)",
              "亿元", "flow", bounds=(0.0, float("inf")),
              related=("tech_contract_turnover", "tech_market_turnover_seller")),
    Indicator("tech_market_contracts_seller", "技术合同数（技术输出地域）", "Technology contracts by seller region (S&T yearbook)",
              "项", "flow", bounds=(0.0, float("inf")), related=("tech_market_contracts_buyer",)),
    Indicator("tech_market_contracts_buyer", "技术合同数（技术吸纳地域）", "Technology contracts by buyer region (S&T yearbook)",
              "项", "flow", bounds=(0.0, float("inf")), related=("tech_market_contracts_seller",)),
    Indicator("gdp_implied_by_rd_intensity", "研发强度隐含的地区生产总值", "GDP implied by published R&D spending and intensity (first-published GDP)",
              "亿元", "flow", direction="none", bounds=(0.0, float("inf")),
              notes="R&D expenditure / R&D intensity: the GDP vintage the intensity was computed on, before census revisions.",
              related=("gdp",)),
    Indicator("hightech_mfg_enterprises", "高技术产业（制造业）企业数", "High-technology manufacturing enterprises, above designated size (NBS, 2017 classification, 2018 on)",
              "个", "stock", bounds=(0.0, float("inf")),
              notes="Series break at 2017/18 (new classification): 2010-2016 are hightech_mfg_enterprises_pre2018.",
              related=("hightech_mfg_enterprises_pre2018",)),
    Indicator("hightech_mfg_enterprises_pre2018", "高技术产业（制造业）企业数（2018年前口径）", "High-technology manufacturing enterprises (NBS, classification before 2018)",
              "个", "stock", bounds=(0.0, float("inf")), related=("hightech_mfg_enterprises",)),
    Indicator("hightech_mfg_revenue", "高技术产业（制造业）营业收入", "High-technology manufacturing revenue (NBS, 2017 classification, 2018 on)",
              "亿元", "flow", bounds=(0.0, float("inf")),
              notes="NBS 高技术产业 (manufacturing), much narrower than Jiangsu's 高新技术产业. Break at 2017/18.",
              related=("hightech_mfg_revenue_pre2018", "hightech_manufacturing_output_value", "hightech_output_value")),
    Indicator("hightech_mfg_revenue_pre2018", "高技术产业（制造业）营业收入（2018年前口径）", "High-technology manufacturing revenue (NBS, classification before 2018)",
              "亿元", "flow", bounds=(0.0, float("inf")), related=("hightech_mfg_revenue",)),
    Indicator("hightech_mfg_profit", "高技术产业（制造业）利润总额", "High-technology manufacturing total profit (NBS, 2017 classification, 2018 on)",
              "亿元", "flow", bounds=(float("-inf"), float("inf")), related=("hightech_mfg_profit_pre2018",)),
    Indicator("hightech_mfg_profit_pre2018", "高技术产业（制造业）利润总额（2018年前口径）", "High-technology manufacturing total profit (NBS, classification before 2018)",
              "亿元", "flow", bounds=(float("-inf"), float("inf")), related=("hightech_mfg_profit",)),
    Indicator("hightech_mfg_revenue_to_gdp", "高技术产业（制造业）营业收入与地区生产总值之比", "High-technology manufacturing revenue as % of GDP (NBS, 2017 classification, 2018 on)",
              "%", "ratio", bounds=(0.0, float("inf")),
              notes="A scale-free proxy (gross revenue over value added), not a share of industrial output.",
              related=("hightech_mfg_revenue_to_gdp_pre2018", "hightech_output_share")),
    Indicator("hightech_mfg_revenue_to_gdp_pre2018", "高技术产业（制造业）营业收入与地区生产总值之比（2018年前口径）", "High-technology manufacturing revenue as % of GDP (NBS, classification before 2018)",
              "%", "ratio", bounds=(0.0, float("inf")), related=("hightech_mfg_revenue_to_gdp",)),
    Indicator("hightech_exports_share", "高技术产品出口占制成品出口比重", "High-technology exports as % of manufactured exports (World Bank, 2007+ series)",
              "%", "share", bounds=_SHARE,
              notes="WDI TX.VAL.TECH.MF.ZS on the current (2007+) product list; never spliced with the legacy series.",
              related=("hightech_exports_share_legacy",)),
    Indicator("hightech_exports_share_legacy", "高技术产品出口占制成品出口比重（旧口径）", "High-technology exports as % of manufactured exports (World Bank legacy SITC series, to 2011)",
              "%", "share", bounds=_SHARE, notes="Discontinued WDI series as of the 2013 bulk file.",
              related=("hightech_exports_share",)),
    Indicator("resident_patent_applications", "居民专利申请量", "Patent applications by residents (WIPO via World Bank)",
              "件", "flow", bounds=(0.0, float("inf"))),
    Indicator("resident_patent_applications_per_10k", "每万人居民专利申请量", "Patent applications by residents per 10k people",
              "件/万人", "per_10k", bounds=(0.0, float("inf")),
              notes="Applications (a flow) per 10k people, not a stock of valid patents.",
              related=("invention_patents_per_10k",)),
    Indicator("researchers_per_10k", "每万人研究人员数", "Researchers in R&D per 10k people (World Bank, published per million)",
              "人/万人", "per_10k", bounds=(0.0, float("inf")),
              notes="WDI SP.POP.SCIE.RD.P6 is per million people; carried divided by 100 (status derived) because the raw format has no per-million unit."),
)

BY_ID: dict[str, Indicator] = {ind.id: ind for ind in INDICATORS}


class UnknownIndicator(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; say it plainly
        return self.args[0]


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise UnknownIndicator(
            f"unknown indicator {indicator_id!r}; known: {', '.join(sorted(BY_ID))}"
        ) from None
