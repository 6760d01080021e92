"""Regions as typed data: what each place is, so no decision reads a note.

One row per region name used in ``data/raw`` (observations, panels, targets):
its ``level`` (country, province, prefecture, county, aggregate, sub-area), its
``parent`` and whether it is an ``aggregate`` -- a group of places that is not
one jurisdiction (World Bank regions and income groups, the EU and the euro
area, "Sunan (5 cities)", the Yangtze River Delta).  Aggregates change
composition over time (EU15 -> EU27) and have no government that sets targets,
so reference panels drop them and the backtest never scores them.  The build
writes the flag onto every observation row (column ``aggregate``); a region
that is not listed here stops the build with an error naming it.

National totals (``China``) are countries, not aggregates: China is one
economy in the World Bank panel, the total row of the provincial panel, and a
government that sets targets (its past-plan cases are scored).

How the World Bank list was made (once, 2026-12-01): the World Bank rows of
``data/raw/reference/world/wb_gerd.csv`` whose ``note`` begins "aggregate
(World Bank group, not a country)" -- the importer wrote that note from the
WDI metadata's empty "Region" field -- were listed with::

    obs = io.read_processed("observations.csv")
    w = obs[obs["collection"] == "world"]
    sorted(w.loc[w["note"].str.contains("aggregate"), "region"].unique())

and pasted below; every other World Bank region is a country or economy.
From then on the flag comes from this table; ``tests/test_schema.py`` checks
that every region in the data is listed and that the notes still agree.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEVELS", "Region", "REGIONS", "UnknownRegion", "get", "is_aggregate", "aggregates"]

LEVELS = ("country", "province", "prefecture", "county", "aggregate", "sub-area")


class UnknownRegion(KeyError):
    """A region name that is not in the table; the message says where to add it."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Region:
    id: str
    level: str
    parent: str | None = None

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"region {self.id!r}: level must be one of {', '.join(LEVELS)}; got {self.level!r}")

    @property
    def aggregate(self) -> bool:
        """A group of places that is not one jurisdiction."""
        return self.level == "aggregate"


# World Bank regions and income groups (see the module docstring for how this list was made).
WORLD_BANK_AGGREGATES: tuple[str, ...] = (
    'Africa Eastern and Southern', 'Africa Western and Central', 'Arab World',
    'Central Europe and the Baltics', 'Early-demographic dividend', 'East Asia & Pacific',
    'East Asia & Pacific (excluding high income)', 'East Asia & Pacific (IDA & IBRD countries)',
    'Euro area', 'Europe & Central Asia', 'Europe & Central Asia (excluding high income)',
    'Europe & Central Asia (IDA & IBRD countries)', 'European Union', 'High income', 'IBRD only',
    'IDA & IBRD total', 'IDA blend', 'Late-demographic dividend', 'Latin America & Caribbean',
    'Latin America & Caribbean (excluding high income)',
    'Latin America & the Caribbean (IDA & IBRD countries)', 'Low & middle income', 'Low income',
    'Lower middle income', 'Middle East, North Africa, Afghanistan & Pakistan',
    'Middle East, North Africa, Afghanistan & Pakistan (excluding high income)',
    'Middle East, North Africa, Afghanistan & Pakistan (IDA & IBRD)', 'Middle income',
    'North America', 'OECD members', 'Other small states', 'Post-demographic dividend',
    'Small states', 'South Asia', 'South Asia (IDA & IBRD)', 'Sub-Saharan Africa',
    'Sub-Saharan Africa (excluding high income)', 'Sub-Saharan Africa (IDA & IBRD countries)',
    'Upper middle income', 'World',
)
# Economies of the World Bank panel (and the EU countries of the Eurostat 2006 vintage).
COUNTRIES: tuple[str, ...] = (
    'Albania', 'Algeria', 'American Samoa', 'Andorra', 'Angola', 'Antigua and Barbuda', 'Argentina',
    'Armenia', 'Aruba', 'Australia', 'Austria', 'Azerbaijan', 'Bahamas, The', 'Bahrain',
    'Bangladesh', 'Barbados', 'Belarus', 'Belgium', 'Belize', 'Benin', 'Bermuda', 'Bhutan',
    'Bolivia', 'Bosnia and Herzegovina', 'Botswana', 'Brazil', 'Brunei Darussalam', 'Bulgaria',
    'Burkina Faso', 'Burundi', 'Cabo Verde', 'Cambodia', 'Cameroon', 'Canada', 'Cayman Islands',
    'Central African Republic', 'Chad', 'Chile', 'China', 'Colombia', 'Comoros', 'Congo, Dem. Rep.',
    'Congo, Rep.', 'Costa Rica', "Cote d'Ivoire", 'Croatia', 'Cuba', 'Cyprus', 'Czechia', 'Denmark',
    'Djibouti', 'Dominica', 'Dominican Republic', 'Ecuador', 'Egypt, Arab Rep.', 'El Salvador',
    'Eritrea', 'Estonia', 'Eswatini', 'Ethiopia', 'Faroe Islands', 'Fiji', 'Finland', 'France',
    'French Polynesia', 'Gabon', 'Gambia, The', 'Georgia', 'Germany', 'Ghana', 'Greece',
    'Greenland', 'Grenada', 'Guam', 'Guatemala', 'Guinea', 'Guinea-Bissau', 'Guyana', 'Haiti',
    'Honduras', 'Hong Kong SAR, China', 'Hungary', 'Iceland', 'India', 'Indonesia',
    'Iran, Islamic Rep.', 'Iraq', 'Ireland', 'Israel', 'Italy', 'Jamaica', 'Japan', 'Jordan',
    'Kazakhstan', 'Kenya', 'Kiribati', "Korea, Dem. People's Rep.", 'Korea, Rep.', 'Kuwait',
    'Kyrgyz Republic', 'Lao PDR', 'Latvia', 'Lebanon', 'Lesotho', 'Liberia', 'Libya',
    'Liechtenstein', 'Lithuania', 'Luxembourg', 'Macao SAR, China', 'Madagascar', 'Malawi',
    'Malaysia', 'Maldives', 'Mali', 'Malta', 'Mauritania', 'Mauritius', 'Mexico', 'Moldova',
    'Monaco', 'Mongolia', 'Montenegro', 'Morocco', 'Mozambique', 'Myanmar', 'Namibia', 'Nepal',
    'Netherlands', 'New Caledonia', 'New Zealand', 'Nicaragua', 'Niger', 'Nigeria',
    'North Macedonia', 'Norway', 'Oman', 'Pakistan', 'Palau', 'Panama', 'Papua New Guinea',
    'Paraguay', 'Peru', 'Philippines', 'Poland', 'Portugal', 'Puerto Rico (US)', 'Qatar', 'Romania',
    'Russian Federation', 'Rwanda', 'Samoa', 'San Marino', 'Sao Tome and Principe', 'Saudi Arabia',
    'Senegal', 'Serbia', 'Seychelles', 'Sierra Leone', 'Singapore', 'Slovak Republic', 'Slovenia',
    'Solomon Islands', 'Somalia, Fed. Rep.', 'South Africa', 'Spain', 'Sri Lanka',
    'St. Kitts and Nevis', 'St. Lucia', 'St. Vincent and the Grenadines', 'Sudan', 'Suriname',
    'Sweden', 'Switzerland', 'Syrian Arab Republic', 'Tajikistan', 'Tanzania', 'Thailand', 'Togo',
    'Tonga', 'Trinidad and Tobago', 'Tunisia', 'Turkiye', 'Turkmenistan',
    'Turks and Caicos Islands', 'Tuvalu', 'Uganda', 'Ukraine', 'United Arab Emirates',
    'United Kingdom', 'United States', 'Uruguay', 'Uzbekistan', 'Vanuatu', 'Venezuela, RB',
    'Viet Nam', 'Virgin Islands (U.S.)', 'West Bank and Gaza', 'Yemen, Rep.', 'Zambia', 'Zimbabwe',
)
# Chinese provinces, autonomous regions and province-level municipalities.
CN_PROVINCES: tuple[str, ...] = (
    'Anhui', 'Beijing', 'Chongqing', 'Fujian', 'Gansu', 'Guangdong', 'Guangxi', 'Guizhou', 'Hainan',
    'Hebei', 'Heilongjiang', 'Henan', 'Hubei', 'Hunan', 'Inner Mongolia', 'Jiangsu', 'Jiangxi',
    'Jilin', 'Liaoning', 'Ningxia', 'Qinghai', 'Shaanxi', 'Shandong', 'Shanghai', 'Shanxi',
    'Sichuan', 'Tianjin', 'Tibet', 'Xinjiang', 'Yunnan', 'Zhejiang',
)

_OTHERS = (
    Region("Suzhou", "prefecture", "Jiangsu"),
    Region("Taicang", "county", "Suzhou"),
    Region("Changshu", "county", "Suzhou"),
    Region("Kunshan", "county", "Suzhou"),
    Region("Zhangjiagang", "county", "Suzhou"),
    Region("Taicang High-tech Zone (sub-area)", "sub-area", "Taicang"),
    Region("Suzhou Industrial Park (sub-area)", "sub-area", "Suzhou"),
    Region("Sunan (5 cities)", "aggregate", "Jiangsu"),
    Region("Yangtze River Delta", "aggregate", "China"),
)

REGIONS: dict[str, Region] = {
    r.id: r for r in (
        *(Region(name, "aggregate") for name in WORLD_BANK_AGGREGATES),
        *(Region(name, "country") for name in COUNTRIES),
        *(Region(name, "province", "China") for name in CN_PROVINCES),
        *_OTHERS,
    )
}


def get(region: str) -> Region:
    try:
        return REGIONS[region]
    except KeyError:
        raise UnknownRegion(f"unknown region {region!r}: add it to taicang_analysis/data/regions.py "
                            f"(level: {', '.join(LEVELS)}; parent)") from None


def is_aggregate(region: str) -> bool:
    return get(region).aggregate


def aggregates() -> frozenset[str]:
    """Every region listed as an aggregate."""
    return frozenset(r.id for r in REGIONS.values() if r.aggregate)
