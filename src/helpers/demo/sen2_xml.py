"""The synthetic SEN2 return of the demo LA "Northby" written as XML (2025 layout): persons, their requests,
assessments, plans and placements, with invented names, identifiers and postcodes. One person carries the
:data:`CANARIES` values so a privacy test can prove no child-level detail reaches the pack.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

LA_NAME = "Northby"
LEA = "999"

CANARIES: dict[str, str] = {
    "upn": "A99999999999C",
    "surname": "Canarysurname",
    "forename": "Canaryforename",
    "birth_date": "2012-02-29",
    "postcode": "ZZ99 0CY",  # generated postcodes never use the digit 0
}
"""Values carried by one synthetic person; none may appear anywhere in a built pack."""

_SURNAMES = ("Ashdown", "Brackley", "Colbourne", "Dunmore", "Elsworth", "Fernhill", "Garside", "Holloway",
             "Ingleby", "Jessop", "Kettering", "Lindley", "Marwood", "Northcott", "Oakhurst", "Pendle",
             "Quarrie", "Redfern", "Saltmarsh", "Thornbury", "Upton", "Varley", "Westwood", "Yardley")
_FORENAMES = ("Alex", "Bailey", "Casey", "Drew", "Ellis", "Frankie", "Harper", "Jordan", "Kit", "Logan",
              "Morgan", "Noah", "Olly", "Parker", "Quinn", "Riley", "Sam", "Taylor", "Zara", "Robin")
_ETHNICITY = (("WBRI", 0.70), ("WOTH", 0.05), ("MWBC", 0.04), ("MOTH", 0.03), ("APKN", 0.04), ("AIND", 0.03),
              ("BAFR", 0.03), ("BCRB", 0.02), ("CHNE", 0.01), ("OOTH", 0.02), ("NOBT", 0.03))
_NEEDS = (("ASD", 0.32), ("SEMH", 0.20), ("SLCN", 0.18), ("MLD", 0.08), ("SPLD", 0.05), ("SLD", 0.04),
          ("PD", 0.04), ("HI", 0.02), ("VI", 0.01), ("PMLD", 0.02), ("DS", 0.01), ("OTH", 0.03))

Row = dict[str, Any]
"""One synthetic request as generated (received date, outcomes, dates, flags)."""


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...]) -> str:
    codes, weights = zip(*table, strict=True)
    p = np.asarray(weights) / sum(weights)
    return str(rng.choice(codes, p=p))


def _date(d: pd.Timestamp | dt.date) -> str:
    return str(pd.Timestamp(d).strftime("%Y-%m-%d"))


def _person_xml(rng: np.random.Generator, requests: list[Row], canary: bool, end: pd.Timestamp) -> str:
    """One synthetic Person element (2025 layout)."""
    first = requests[0]
    birth = first["received"] - pd.Timedelta(days=int(first["age"] * 365.25 + rng.integers(0, 365)))
    if canary:
        surname, forename, birth_text = CANARIES["surname"], CANARIES["forename"], CANARIES["birth_date"]
        upn, postcode = CANARIES["upn"], CANARIES["postcode"]
    else:
        surname = str(rng.choice(_SURNAMES))
        forename = str(rng.choice(_FORENAMES))
        birth_text = _date(birth - pd.Timedelta(days=int(_date(birth) == CANARIES["birth_date"])))
        upn = "A" + "".join(str(d) for d in rng.integers(0, 10, 12))
        postcode = f"ZZ99 {rng.integers(1, 10)}{chr(65 + rng.integers(0, 26))}{chr(65 + rng.integers(0, 26))}"
    young = first["age"] < 5 and rng.random() < 0.5 and not canary
    ident = "<UPNunknown>UN1</UPNunknown>" if young else f"<UPN>{upn}</UPN>"
    lines = [
        "    <Person>",
        f"      <Surname>{escape(surname)}</Surname>",
        f"      <Forename>{escape(forename)}</Forename>",
        f"      <PersonBirthDate>{birth_text}</PersonBirthDate>",
        f"      <Sex>{'M' if rng.random() < 0.70 else 'F'}</Sex>",
        f"      <Ethnicity>{_pick(rng, _ETHNICITY)}</Ethnicity>",
        f"      <PostCode>{postcode}</PostCode>",
        f"      {ident}",
    ]
    for req in requests:
        lines += _request_xml(rng, req, end)
    lines.append("    </Person>")
    return "\n".join(lines)


def _request_xml(rng: np.random.Generator, req: Row, end: pd.Timestamp) -> list[str]:
    """One Requests element with its assessment, named plan and active plan."""
    out = ["      <Requests>",
           f"        <ReceivedDate>{_date(req['received'])}</ReceivedDate>",
           f"        <RequestSource>{_pick(rng, (('1', .45), ('2', .40), ('3', .08), ('4', .04), ('5', .03)))}"
           "</RequestSource>",
           "        <RYA>0</RYA>"]
    if pd.notna(req["decision"]) and not req.get("drop_outcome_date"):
        out.append(f"        <RequestOutcomeDate>{_date(req['decision'])}</RequestOutcomeDate>")
    out.append(f"        <RequestOutcome>{req['request_outcome']}</RequestOutcome>")
    refused = req["request_outcome"] == "N"
    out.append(f"        <RequestMediation>{int(refused and rng.random() < 0.08)}</RequestMediation>")
    out.append(f"        <RequestTribunal>{int(refused and rng.random() < 0.04)}</RequestTribunal>")
    if req["assessment_outcome"]:
        out.append("        <Assessment>")
        out.append(f"          <AssessmentOutcome>{req['assessment_outcome']}</AssessmentOutcome>")
        if pd.notna(req["assessment_date"]):
            out.append(f"          <AssessmentOutcomeDate>{_date(req['assessment_date'])}</AssessmentOutcomeDate>")
        out += ["          <AssessmentMediation>0</AssessmentMediation>",
                "          <AssessmentTribunal>0</AssessmentTribunal>",
                "          <OtherMediation>0</OtherMediation>",
                "          <OtherTribunal>0</OtherTribunal>"]
        issued = req["assessment_outcome"] == "Y" and pd.notna(req["assessment_date"])
        if issued and not req.get("drop_week20"):
            out.append(f"          <Week20>{int(req['week20'])}</Week20>")
        if issued:
            urn = f"{rng.integers(100000, 150000)}"
            out += ["          <NamedPlan>",
                    f"            <StartDate>{_date(req['assessment_date'])}</StartDate>",
                    "            <PlanDetail>",
                    f"              <URN>{urn}</URN>",
                    "              <PlacementRank>1</PlacementRank>",
                    "              <SENunitIndicator>0</SENunitIndicator>",
                    "              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>",
                    "            </PlanDetail>",
                    f"            <PB>{int(rng.random() < 0.08)}</PB>",
                    "          </NamedPlan>"]
        out.append("        </Assessment>")
        if issued:
            start = pd.Timestamp(req["assessment_date"])
            out += ["        <ActivePlans>",
                    "          <PlacementDetail>",
                    f"            <URN>{urn}</URN>",
                    "            <PlacementRank>1</PlacementRank>",
                    f"            <EntryDate>{_date(start)}</EntryDate>",
                    "            <SENunitIndicator>0</SENunitIndicator>",
                    "            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>",
                    "          </PlacementDetail>",
                    "          <SENneed>",
                    f"            <SENtype>{_pick(rng, _NEEDS)}</SENtype>",
                    "            <SENtypeRank>1</SENtypeRank>",
                    "          </SENneed>"]
            review = start + pd.DateOffset(months=11)
            if review + pd.Timedelta(days=14) <= end:
                out += [f"          <ReviewMeeting>{_date(review)}</ReviewMeeting>",
                        "          <ReviewOutcome>M</ReviewOutcome>",
                        f"          <LastReview>{_date(review + pd.Timedelta(days=14))}</LastReview>"]
            out.append("        </ActivePlans>")
    out.append("      </Requests>")
    return out


def return_xml(rng: np.random.Generator, reqs: pd.DataFrame, period_end: dt.date) -> bytes:
    """The whole return: persons in order of their first request; about 8% of refused children ask again."""
    records = reqs.to_dict("records")
    received = reqs["received"].to_numpy()
    people: list[list[Row]] = []
    taken: set[int] = set()
    for i, rec in enumerate(records):
        if i in taken:
            continue
        person = [rec]
        if rec["request_outcome"] == "N" and rng.random() < 0.3:
            # the same child asks again 6-12 months later: take the first free request from that date on
            target = np.datetime64(rec["received"] + pd.Timedelta(days=int(rng.integers(180, 365))))
            j = int(np.searchsorted(received, target))
            while j in taken:
                j += 1
            if j < len(records):
                taken.add(j)
                records[j]["age"] = rec["age"] + 1
                person.append(records[j])
        people.append(person)
    # a few records that break guidance rules, for the data-quality page
    refused = [p[0] for p in people if p[0]["request_outcome"] == "N"]
    for rec in refused[5:8]:
        rec["drop_outcome_date"] = True
    issued = [p[0] for p in people if p[0]["assessment_outcome"] == "Y" and pd.notna(p[0]["assessment_date"])]
    for rec in issued[10:12]:
        rec["drop_week20"] = True
    canary_at = len(people) // 3
    end = pd.Timestamp(period_end)
    body = [_person_xml(rng, person, canary=(n == canary_at), end=end) for n, person in enumerate(people, start=1)]
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- SYNTHETIC DATA. Every person, date and school in this file is invented by helpers.demo.sen2 for the
     fictional local authority "{LA_NAME}" (LEA {LEA}). No real child or young person is described. -->
<Message>
  <Header>
    <CollectionDetails>
      <Collection>SEN2</Collection>
      <Year>2025</Year>
      <ReferenceDate>{_date(period_end)}</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>{LEA}</LEA>
      <SoftwareCode>SyntheticDemo</SoftwareCode>
      <Release>1.0</Release>
      <SerialNo>001</SerialNo>
      <DateTime>{_date(period_end)}T17:00:00</DateTime>
      <DMO>Y</DMO>
      <DCO>Y</DCO>
      <DSCO>R</DSCO>
    </Source>
  </Header>
  <Persons>
"""
    return (head + "\n".join(body) + "\n  </Persons>\n</Message>\n").encode("utf-8")

