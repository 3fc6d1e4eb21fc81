"""Plain-English labels for SEN2 codes (type of need, ethnicity, sex), as the DfE SEN2 guide and the CBDS name them.

Used by the inspection page and workbook, so a code reads the same in both. A code not listed shows as itself.
"""

from __future__ import annotations

import pandas as pd

NEED: dict[str, str] = {
    "SPLD": "Specific learning difficulty", "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty", "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health", "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment", "VI": "Vision impairment", "MSI": "Multi-sensory impairment",
    "PD": "Physical disability", "ASD": "Autistic spectrum disorder", "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
}
ETHNICITY: dict[str, str] = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background", "WROM": "Gypsy or Roma", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background", "CHNE": "Chinese",
    "OOTH": "Any other ethnic group", "REFU": "Refused", "NOBT": "Information not yet obtained",
}
SEX: dict[str, str] = {"M": "Male", "F": "Female", "U": "Not known"}
STAGE: dict[str, str] = {"awaiting decision": "Awaiting the decision whether to assess",
                         "being assessed": "Agreed to assess, plan not yet issued"}


def labelled(values: pd.Series, labels: dict[str, str]) -> pd.Series:
    """``values`` with each code replaced by its label (unknown codes and missing values unchanged)."""
    return values.map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
