"""The glossary's words: every abbreviation the pack uses (:data:`TERMS`) and the technical phrases it writes out
(:data:`PHRASES`), each with a plain-English definition for councillors. Data only; the logic is
:mod:`helpers.present.glossary`.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    """An abbreviation's expansion and a plain-English definition for councillors."""

    expansion: str
    definition: str


#: Abbreviation → expansion and definition. Keys are written as the pack writes them (``DfE``, ``SENCo``).
TERMS: dict[str, Term] = {
    "AA": Term("Double-A conformance", "The level of the Web Content Accessibility Guidelines that public sector "
               "websites must meet."),
    "AICc": Term("corrected Akaike information criterion", "A score for choosing between statistical models that "
                 "rewards a good fit and penalises extra parameters, corrected for short series."),
    "AP": Term("alternative provision", "Education arranged for children who cannot attend a mainstream or special "
               "school, for example a pupil referral unit."),
    "ASD": Term("autistic spectrum disorder", "A primary type of special educational need recorded by schools (the "
                "DfE code ASD)."),
    "CAGR": Term("compound annual growth rate", "The steady yearly percentage growth that would take a number from "
                 "its first value to its last value over the period."),
    "CCG": Term("clinical commissioning group", "The NHS bodies that planned local health services until 2022, "
                "replaced by integrated care boards."),
    "CI": Term("confidence interval", "A range that shows how uncertain an estimate is; a 95% confidence interval "
               "would contain the true value in 95 out of 100 repeats."),
    "COVID": Term("coronavirus disease 2019 (COVID-19)", "The pandemic that disrupted services and data from "
                  "March 2020."),
    "CQC": Term("Care Quality Commission", "The regulator of health and adult social care in England; it inspects "
                "local area SEND arrangements jointly with Ofsted."),
    "CSV": Term("comma-separated values", "A plain-text table file that opens in Excel or any spreadsheet program."),
    "DfE": Term("Department for Education", "The government department responsible for children's services and "
                "education in England; it publishes the national EHCP statistics."),
    "DSG": Term("Dedicated Schools Grant", "The government grant that pays for schools and, through its high needs "
                "block, for most SEND provision."),
    "EES": Term("Explore Education Statistics", "The DfE website that publishes official education statistics, "
                "including the EHCP release."),
    "EHC": Term("Education, Health and Care", "The three kinds of need and support an EHC needs assessment and "
                "plan cover."),
    "EHCP": Term("Education, Health and Care Plan", "A legal document describing a child or young person's "
                 "special educational needs and the support the council must secure for them, for ages 0 to 25."),
    "EP": Term("Educational Psychologist", "A psychologist who assesses children's learning and development; an "
               "EP's advice is required for every EHC needs assessment."),
    "ETS": Term("exponential smoothing (error, trend, seasonal)", "A forecasting method that weights recent years "
                "more heavily; the damped version lets growth level off."),
    "FTE": Term("full-time equivalent", "Staff numbers counted in full-time posts: two half-time staff are 1.0 "
                "FTE."),
    "GBP": Term("pounds sterling", "Money amounts in British pounds (£)."),
    "GMT": Term("Greenwich Mean Time", "UK winter time, the same as UTC."),
    "GLM": Term("generalised linear model", "A family of regression models for counts and proportions, used here "
                "to fit growth trends."),
    "HI": Term("hearing impairment", "A primary type of special educational need (the DfE code HI)."),
    "HNB": Term("high needs block", "The part of the Dedicated Schools Grant that funds SEND provision."),
    "HTML": Term("HyperText Markup Language", "The format of web pages; the pack is a set of HTML pages that open "
                 "in any web browser."),
    "ISBN": Term("International Standard Book Number", "The number that identifies a published book or report, "
                 "given when the pack cites a DfE publication."),
    "ICB": Term("integrated care board", "The NHS body that plans and funds local health services, a partner in "
                "the local area SEND arrangements."),
    "LA": Term("local authority", "The council responsible for education and children's services in an area."),
    "LAIT": Term("Local Authority Interactive Tool", "The DfE tool that compares every local authority on many "
                 "measures and places each in a quartile band from A to D."),
    "MASE": Term("mean absolute scaled error", "A forecast's average error divided by the error of the naive "
                 "forecast (next year the same as this year); below 1 means better than the naive forecast."),
    "MLD": Term("moderate learning difficulty", "A primary type of special educational need (the DfE code MLD)."),
    "MSI": Term("multi-sensory impairment", "A primary type of special educational need (the DfE code MSI)."),
    "NA": Term("not available", "A figure that is missing or cannot be calculated."),
    "NHS": Term("National Health Service", "The publicly funded health service; it contributes health advice to "
                "EHC needs assessments."),
    "NSA": Term("no specialist assessment", "SEN support where the type of need has not been assessed (the DfE "
                "code NSA)."),
    "ONS": Term("Office for National Statistics", "The UK's national statistics office; its codes identify local "
                "authorities (for example E10000016)."),
    "OTH": Term("other difficulty or disability", "A primary type of special educational need (the DfE code OTH)."),
    "Ofsted": Term("Office for Standards in Education, Children's Services and Skills", "The inspectorate that "
                   "inspects local area SEND arrangements jointly with the CQC."),
    "PD": Term("physical disability", "A primary type of special educational need (the DfE code PD)."),
    "PDF": Term("Portable Document Format", "A print-ready document file; the pack is also produced as one PDF for "
                "committee papers."),
    "PHE": Term("Public Health England", "The former public health agency whose statistical methods (for example "
                "funnel plot limits) are still the standard in England."),
    "PMLD": Term("profound and multiple learning difficulty", "A primary type of special educational need (the DfE "
                 "code PMLD)."),
    "QA": Term("quality assurance", "Checks that the analysis is correct and fit for purpose, as the Analysis "
               "Function's guidance describes."),
    "RAG": Term("red, amber, green", "A status rating: green on target, amber not yet on target but moving towards "
                "it, red not on target and not moving towards it; the word is always shown as well as the colour."),
    "RAP": Term("reproducible analytical pipeline", "Analysis produced end to end by code so that anyone can re-run "
                "it and get the same results."),
    "SE": Term("standard error", "How much an estimate would vary from sample to sample; smaller is more precise."),
    "SEMH": Term("social, emotional and mental health", "A primary type of special educational need (the DfE code "
                 "SEMH)."),
    "SEN": Term("special educational needs", "A learning difficulty or disability that needs special educational "
                "provision."),
    "SEN2": Term("Special Educational Needs survey 2", "The statutory return each council makes to the DfE every "
                 "January, one record per child with an EHC plan or request; the source of the EHCP statistics."),
    "SENCO": Term("special educational needs co-ordinator", "The teacher in each school responsible for SEN "
                  "provision."),
    "SENCo": Term("special educational needs co-ordinator", "The teacher in each school responsible for SEN "
                  "provision."),
    "SEND": Term("special educational needs and disabilities", "The system of support for children and young "
                 "people aged 0 to 25 with special educational needs or a disability."),
    "SENDIASS": Term("SEND Information, Advice and Support Service", "The free, impartial local service that "
                     "advises families about SEND."),
    "SENDIST": Term("SEND Tribunal (First-tier Tribunal, Special Educational Needs and Disability)", "The court "
                    "that hears families' appeals against council decisions about EHC needs assessments and plans."),
    "SLCN": Term("speech, language and communication needs", "A primary type of special educational need (the DfE "
                 "code SLCN)."),
    "SLD": Term("severe learning difficulty", "A primary type of special educational need (the DfE code SLD)."),
    "SN": Term("statistical neighbour", "One of the ten local authorities the DfE judges most similar to this one, "
               "used for fair comparison."),
    "SPC": Term("statistical process control", "A way of telling real change from random variation in a series "
                "over time, using a chart with an average line and control limits (NHS 'Making Data Count')."),
    "SPLD": Term("specific learning difficulty", "A primary type of special educational need, such as dyslexia "
                 "(the DfE code SPLD)."),
    "STL": Term("seasonal and trend decomposition using Loess", "A method that splits a monthly series into trend, "
                "seasonal pattern and remainder."),
    "UK": Term("United Kingdom", "England, Scotland, Wales and Northern Ireland."),
    "ULN": Term("unique learner number", "A personal identifier for learners aged 14 and over; never published in "
                "the pack."),
    "UPN": Term("unique pupil number", "A personal identifier for each pupil in England; never published in the "
                "pack."),
    "UTC": Term("Coordinated Universal Time", "The time zone the build records its times in (the same as GMT)."),
    "VI": Term("visual impairment", "A primary type of special educational need (the DfE code VI)."),
    "WCAG": Term("Web Content Accessibility Guidelines", "The international standard for accessible web content; "
                 "public sector websites must meet WCAG 2.2 level AA."),
    "WSOA": Term("Written Statement of Action", "The improvement plan a local area must write after an inspection "
                 "finds significant weaknesses in its SEND arrangements."),
    "XLSX": Term("Excel workbook", "The spreadsheet file format of the pack's download of all tables."),
    "XML": Term("Extensible Markup Language", "A structured text format; councils send the SEN2 return to the DfE "
                "as XML."),
    "CBT": Term("cognitive behavioural therapy", "A talking therapy that helps a child or young person change "
                "how they think and act about a difficulty; one of the therapies a council buys."),
    "DiD": Term("difference in differences", "A way to estimate a programme's effect: the change in the schools "
                "that took part minus the change, over the same time, in schools that did not."),
    "QPL": Term("Qualified Provider List", "A council's list of approved providers, with agreed quality "
                "standards and prices, that it buys a service from instead of buying case by case."),
    "URN": Term("unique reference number", "The number that identifies each school or setting in the DfE's "
                "register of schools (Get Information About Schools)."),
    "XmR": Term("individuals and moving range chart", "The SPC chart used for a single value per month: the "
                "average, and limits worked out from the month-to-month changes."),
}

#: Technical terms written out in words (not abbreviations) that the pages use: term → definition. Each is
#: found in page text case-insensitively, with a space, hyphen or nothing between its words and an optional
#: ending (``back-tests``, ``back tested``); the glossary page lists those a pack uses.
PHRASES: dict[str, str] = {
    "back-test": "A check of a forecasting method on the past: forecast years already known from the years "
                 "before them, and compare the forecasts with what happened.",
    "common-cause variation": "The ordinary ups and downs of a process from month to month; they are not a "
                              "sign that anything has changed.",
    "compound annual growth": "The steady yearly percentage growth that would take a number from its first "
                              "value to its last value over the period.",
    "confidence interval": "A range that shows how uncertain an estimate is; a 95% confidence interval would "
                           "contain the true value in 95 out of 100 repeats.",
    "control limits": "The lines on a statistical process control chart, about three standard deviations either "
                      "side of the average; a point outside them is unlikely to be chance.",
    "exception cases": "Plans issued after 20 weeks for a reason the law allows (for example the child was away "
                       "or a family asked for a delay); DfE reports timeliness with and without them.",
    "funnel plot": "A chart of each council's rate against its size, with limits that narrow as size grows: "
                   "a council outside the limits differs by more than chance would explain.",
    "interquartile range": "The range covering the middle half of the values, from the lower to the upper "
                           "quartile.",
    "median": "The middle value when all the values are put in order: half are above it and half below.",
    "naive forecast": "A forecast that next year will be the same as the latest year; a forecasting method is "
                      "only worth using if it beats it.",
    "overdispersion": "When councils' rates differ from each other by more than chance alone would explain, "
                      "for example because of local policy; the funnel limits are widened to allow for it.",
    "percentage point": "The difference between two percentages: from 40% to 50% is a rise of 10 percentage "
                        "points (and of 25%).",
    "quartile band": "DfE's grouping of all councils into four equal bands (A to D) by their value on a "
                     "measure, from the top quarter to the bottom quarter.",
    "special-cause variation": "A change in a process bigger or longer-lasting than its usual month-to-month "
                               "variation, so probably due to a real cause (NHS 'Making Data Count').",
    "statistical neighbours": "The ten councils the DfE judges most similar to this one in population and "
                              "circumstances, used for fair comparison.",
    "suppressed": "Hidden to protect privacy: counts under the disclosure threshold are shown as 'c' or a dash.",
    "child-month": "One child receiving a therapy in one month; a child seen in each of three months counts as "
                   "three child-months.",
    "clustered by school": "Standard errors worked out allowing for requests from the same school being alike, "
                           "so the interval is not made too narrow by counting one school's months as independent.",
    "cost per appointment": "What recruitment campaigns cost in a period divided by the number of EPs appointed "
                            "from them.",
    "Herfindahl index": "A measure of how concentrated spending is among providers: the sum of each provider's "
                        "squared percentage share, from near 0 (many small providers) to 10,000 (one provider).",
    "independent report": "Psychological advice written by an educational psychologist the family or council "
                          "commissions outside the council's own service, accepted as the EP advice for an "
                          "assessment.",
    "parallel trends": "The assumption behind a difference in differences: without the pilot, the pilot and "
                       "other schools' requests would have moved alike; checked on the months before the pilot.",
    "pre-trend": "The comparison of pilot and other schools before the pilot started; a difference there "
                 "weakens the estimate of the pilot's effect.",
    "regression to the mean": "When schools are chosen because their numbers were unusually high, their numbers "
                              "tend to fall back afterwards even with no programme at all.",
    "spot purchase": "Buying a service case by case from a provider on no agreed list, at the provider's price.",
    "time to fill": "The months from advertising an EP post to appointing someone to it.",
    "Erlang C": "The standard queueing formula for a service with several staff working in parallel, used to "
                "estimate how long cases wait for an EP; checked against a simulation (Ciw).",
    "stock and flow": "Working out next year's plans in place from this year's, plus the new plans expected, minus "
                      "the plans expected to end.",
}
