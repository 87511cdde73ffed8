"""Plain words: values in their units, and the sentences conditions leave in their trace."""

from typing import Any

import pytest

from engine.conditions import ConditionCompiler, FieldType
from engine.conditions.words import (
    ItemEntry,
    absent_words,
    but_sentences,
    describe_item,
    item_label,
    join_sentences,
    value_pair,
    value_words,
)
from engine.errors import Diagnostic
from engine.evidence import evidence_fact_types
from engine.model import Parameter, TraceEntry
from engine.yamlsource import parse_yaml

PARAMS = {
    "par30_limit": Parameter("par30_limit", "number", 0.05, "PAR30 limit"),
    "parity": Parameter("parity", "number", 0.8, "women in management vs staff"),
    "tolerance": Parameter("tolerance", "number", 1.2, "APR vs peers"),
}
PERCENT, AMOUNT, COUNT = (FieldType("number", unit=u) for u in ("percent", "amount", "count"))


@pytest.mark.parametrize(
    ("value", "kind", "words"),
    [
        (0.071, PERCENT, "7.1 %"),
        (0.05, PERCENT, "5 %"),
        (1.85, PERCENT, "185 %"),
        (0.07, PERCENT, "7 %"),  # 0.07 x 100 is 7.000000000000001
        (-0.05, PERCENT, "-5 %"),
        (0, PERCENT, "0 %"),
        (1250000, AMOUNT, "1,250,000"),
        (1250.5, AMOUNT, "1,250.5"),
        (24800, COUNT, "24,800"),
        (12.0, COUNT, "12"),
        (30, FieldType("number", unit="days"), "30 days"),
        (1, FieldType("number", unit="days"), "1 day"),
        (0.25, FieldType("number", unit="months"), "0.25 months"),
        (1998, FieldType("integer", unit="year"), "1998"),
        (46, FieldType("number"), "46"),
        (0.646, FieldType("number"), "0.646"),
        (True, FieldType("boolean"), "yes"),
        (False, FieldType("boolean"), "no"),
        ("smallholder_farmers", FieldType("enum"), "smallholder farmers"),
        (
            "general",
            FieldType("enum", words={"general": "the general public"}),
            "the general public",
        ),
        ("2025-10-20", FieldType("date"), "2025-10-20"),
        ("serve women", FieldType("string"), "'serve women'"),
        (
            ["gender", "age", "poverty"],
            FieldType("array", items=FieldType("enum")),
            "gender, age and poverty",
        ),
        ([], FieldType("array", items=FieldType("enum")), "none"),
        (None, PERCENT, "not given"),
    ],
)
def test_values_read_in_their_units(value: object, kind: FieldType, words: str) -> None:
    assert value_words(value, kind) == words


def test_two_close_values_get_the_digits_that_tell_them_apart() -> None:
    assert value_pair(0.0504, 0.05, PERCENT) == ("5.04 %", "5 %")
    assert value_pair(0.05, 0.05, PERCENT) == ("5 %", "5 %")


def test_list_items_read_by_name_and_id() -> None:
    product = FieldType("object", title="product")
    assert item_label({"id": "I-CL", "name": "Credit life"}, 5, product) == "Credit life (I-CL)"
    assert item_label({"id": "G1", "goal": "Reach rural women"}, 0, product) == (
        "Reach rural women (G1)"
    )
    assert item_label({"id": "P9"}, 0, product) == "product P9"
    assert item_label({}, 2, product) == "product 3"


def test_an_item_sentence_puts_adjectives_before_its_kind() -> None:
    kind = ItemEntry(False, "", (), "insurance", "kind")
    compulsory = ItemEntry(False, "", (), "compulsory", "adjective")
    assert describe_item("Credit life (I-CL)", [kind, compulsory]) == (
        "Credit life (I-CL) is compulsory insurance."
    )
    loan = ItemEntry(False, "", (), "a loan", "kind")
    digital = ItemEntry(False, "", (), "digital", "adjective")
    assert describe_item("Quick (Q)", [loan, digital]) == "Quick (Q) is a digital loan."
    clause = ItemEntry(False, "", (), "its APR is 185 %, above the legal cap (100 %)", "clause")
    penalty = ItemEntry(False, "", (), "charges a prepayment penalty", "predicate")
    assert describe_item("Quick (Q)", [loan, penalty, clause]) == (
        "Quick (Q) is a loan and charges a prepayment penalty; its APR is 185 %, above the legal "
        "cap (100 %)."
    )
    assert describe_item("Quick (Q)", [clause]) == (
        "Quick (Q): its APR is 185 %, above the legal cap (100 %)."
    )


def test_sentences_about_one_value_or_one_kind_of_gap_merge() -> None:
    assert join_sentences(
        [
            "The women's share of management positions is 12 %, below the 40 % minimum.",
            "The women's share of management positions is 12 %, below 80 % of the women's share "
            "of staff (32.8 %).",
        ]
    ) == (
        "The women's share of management positions is 12 %, below the 40 % minimum and below 80 % "
        "of the women's share of staff (32.8 %)."
    )
    assert (
        join_sentences(
            [
                "The evidence does not give PAR30.",
                "Written policy: yes.",
                "The evidence does not give PAR90.",
            ]
        )
        == "The evidence does not give PAR30 and PAR90. Written policy: yes."
    )
    assert join_sentences(
        ["Exit surveys: not in the evidence.", "Focus groups: not in the evidence."]
    ) == ("Not in the evidence: exit surveys and focus groups.")
    assert (
        join_sentences(
            [
                "The client data breakdowns include gender.",
                "The client data breakdowns include age.",
            ]
        )
        == "The client data breakdowns include gender and age."
    )
    assert join_sentences(
        ["Staff incentives include quality: no.", "Staff incentives include pay: no."]
    ) == ("Staff incentives include quality: no. Staff incentives include pay: no.")


def test_a_partial_result_says_what_fails_but_what_holds() -> None:
    assert (
        but_sentences(
            ["PAR30 is 7.1 %, above the 5 % limit."], ["PAR30 is 7.1 %, within the 10 % limit."]
        )
        == "PAR30 is 7.1 %, above the 5 % limit, but within the 10 % limit."
    )
    assert but_sentences(
        ["Written social strategy: no."], ["The number of social goals is 1."]
    ) == ("Written social strategy: no. But the number of social goals is 1.")


def test_what_the_evidence_lacks() -> None:
    cap = FieldType("number", title="legal interest-rate cap", unit="percent")
    policy = FieldType("boolean", title="written pricing policy")
    research = FieldType(
        "boolean", title="designed", words={"true": "was designed from client research"}
    )
    assert absent_words([("the legal interest-rate cap", cap, False)]) == (
        "The evidence does not give the legal interest-rate cap."
    )
    assert absent_words([("written pricing policy", policy, False)]) == (
        "Written pricing policy: not in the evidence."
    )
    assert absent_words([("its designed", research, True)]) == (
        "the evidence does not say whether it was designed from client research"
    )


# -- the words conditions leave in the trace ------------------------------------------------------


def trace_of(condition: str, facts: dict[str, Any]) -> tuple[bool | None, list[TraceEntry], str]:
    doc = parse_yaml(f"c: {condition}\n", "r.yaml")
    problems: list[Diagnostic] = []
    assert isinstance(doc.data, dict)
    compiled = ConditionCompiler(evidence_fact_types(), PARAMS, doc, problems).compile(
        doc.data["c"], ("c",)
    )
    assert compiled is not None, [str(p) for p in problems]
    trace: list[TraceEntry] = []
    return compiled.evaluate(facts, trace), trace, compiled.plain


PAR30 = "{path: portfolio.par30, lte: {param: par30_limit}}"
COMPULSORY = "{every: products, where: {any: [{path: '@.type', ne: insurance}, {path: '@.compulsory', eq: false}]}}"
PRODUCTS = [
    {"id": "L-GRP", "name": "Solidarity group loan", "type": "loan", "compulsory": False},
    {
        "id": "I-CL",
        "name": "Credit life and funeral cover",
        "type": "insurance",
        "compulsory": True,
    },
]


@pytest.mark.parametrize(
    ("condition", "facts", "result", "words"),
    [
        (PAR30, {"portfolio": {"par30": 0.071}}, False, "PAR30 is 7.1 %, above the 5 % limit."),
        (PAR30, {"portfolio": {"par30": 0.038}}, True, "PAR30 is 3.8 %, within the 5 % limit."),
        (PAR30, {"portfolio": {"par30": 0.05}}, True, "PAR30 is 5 %, at the 5 % limit."),
        (PAR30, {}, None, "The evidence does not give PAR30."),
        (
            "{path: portfolio.par30, default: 0, lte: 0.05}",
            {},
            True,
            "PAR30 is not given, so it counts as 0 %, within the 5 % limit.",
        ),
        (
            COMPULSORY,
            {"products": PRODUCTS},
            False,
            "Credit life and funeral cover (I-CL) is compulsory insurance.",
        ),
        (
            COMPULSORY,
            {"products": PRODUCTS[:1]},
            True,
            "The only one of the products meets the condition: it is not insurance or it is not compulsory.",
        ),
        (COMPULSORY, {"products": []}, True, "The evidence lists no products."),
        (
            "{every: products, where: {any: [{path: '@.type', ne: loan}, {path: '@.apr', lte: {path: market.interest_rate_cap}}]}}",
            {"products": [{"id": "Q7", "name": "QuickCash", "type": "loan", "apr": 1.85}]},
            None,
            "QuickCash (Q7): the evidence does not give the legal interest-rate cap.",
        ),
        (
            "{path: market.interest_rate_cap, gte: 0.5}",
            {"market": {}},
            None,
            "The evidence does not give the legal interest-rate cap.",
        ),
        (
            "{path: staff.women_in_management_share, gte: {mul: [{path: staff.women_share}, {param: parity}]}}",
            {"staff": {"women_in_management_share": 0.44, "women_share": 0.56}},
            False,
            "The women's share of management positions is 44 %, below 80 % of the women's share of staff (44.8 %).",
        ),
        (
            "{path: staff.women_in_management_share, gte: {mul: [{path: staff.women_share}, {param: parity}]}}",
            {"staff": {"women_in_management_share": 0.46, "women_share": 0.56}},
            True,
            "The women's share of management positions is 46 %, above 80 % of the women's share of staff (44.8 %).",
        ),
        (
            "{path: strategy.documented, eq: true}",
            {"strategy": {"documented": False}},
            False,
            "Written social strategy: no.",
        ),
        (
            "{path: strategy.documented, eq: true}",
            {"strategy": {}},
            None,
            "Written social strategy: not in the evidence.",
        ),
        (
            "{path: sp_data.poverty_tool, in: [ppi, eqt]}",
            {"sp_data": {"poverty_tool": "none"}},
            False,
            "The poverty assessment tool is none, not one of the PPI or the EQT.",
        ),
        (
            "{path: sp_data.segmented_by, contains: gender}",
            {"sp_data": {"segmented_by": ["product"]}},
            False,
            "The client data breakdowns (product) do not include gender.",
        ),
        (
            "{value: {div: [{path: complaints.resolved_within_30_days}, {path: complaints.received}]}, gte: 0.9}",
            {"complaints": {"received": 220, "resolved_within_30_days": 63}},
            False,
            "The number of complaints resolved within 30 days as a share of the number of complaints received is 28.6 %, below the 90 % minimum.",
        ),
        (
            "{value: {div: [{path: staff.departures}, {div: [{add: [{path: staff.at_start}, {path: staff.total}]}, 2]}]}, lte: 0.2}",
            {"staff": {"departures": 30, "at_start": 300, "total": 210}},
            True,
            "The number of staff departures as a share of the average of the number of staff at "
            "the start of the period and the number of staff at the end of the period is 11.8 %, "
            "within the 20 % limit.",
        ),
        (
            "{path: complaints.average_resolution_days, lte: {mul: [30, 2]}}",
            {"complaints": {"average_resolution_days": 47}},
            True,
            "The average time to resolve a complaint is 47 days, within the limit of 60 days.",
        ),
        (
            "{path: environment.green_portfolio_share, gt: 0}",
            {"environment": {"green_portfolio_share": 0}},
            False,
            "The green share of the portfolio is 0 %, not above the 0 % threshold.",
        ),
        (
            "{value: {ratio: products, where: {path: '@.designed_from_client_research', eq: true}}, gte: 0.5}",
            {
                "products": [
                    {"id": "A", "name": "a", "type": "loan", "designed_from_client_research": False}
                ]
            },
            False,
            "The share of products where it was designed from client research is 0 %, below the 50 % minimum.",
        ),
        (
            "{some: profile.target_clients, where: {path: '@', ne: general}}",
            {"profile": {"target_clients": ["general", "smallholder_farmers"]}},
            True,
            "The target client groups include smallholder farmers.",
        ),
        (
            "{value: {ratio: social_goals, where: {path: '@.actual', gte: {path: '@.target'}}}, gte: 0.5}",
            {
                "social_goals": [
                    {"id": "G1", "goal": "Reach women", "target": 0.6, "actual": 0.7},
                    {"id": "G2", "goal": "Keep clients", "target": 0.8},
                ]
            },
            None,
            "Keep clients (G2): the evidence does not give its actual value.",
        ),
        (
            "{value: {count_true: [{path: strategy.documented, eq: true}, {path: portfolio.par30, lte: 0.05}]}, gte: 1}",
            {"strategy": {"documented": True}},
            None,
            "The evidence does not give PAR30.",
        ),
        (
            "{exists: portfolio.par30}",
            {"portfolio": {"par30": 0.02}},
            True,
            "The evidence gives PAR30 (2 %).",
        ),
        (
            "{not: {exists: portfolio.par30}}",
            {"portfolio": {"par30": 0.02}},
            False,
            "The evidence gives PAR30 (2 %).",  # what the evidence shows, whatever `not` makes of it
        ),
    ],
)
def test_trace_entries_in_plain_words(
    condition: str, facts: dict[str, Any], result: bool | None, words: str
) -> None:
    value, trace, _ = trace_of(condition, facts)
    assert value is result
    assert trace[-1].plain == words
    assert trace[-1].result is result


@pytest.mark.parametrize(
    ("condition", "asks"),
    [
        (PAR30, "PAR30 is at most 5 %"),
        (COMPULSORY, "all of the products meet: it is not insurance or it is not compulsory"),
        ("{not: {exists: portfolio.par30}}", "PAR30 is not given"),
        ("{not: {path: portfolio.par30, lte: 0.1}}", "PAR30 is above 10 %"),
        (
            "{value: {count: products, where: {path: '@.type', in: [payment, remittance]}}, gte: 1}",
            "the number of products where it is a payment service or a remittance service is at least 1",
        ),
    ],
)
def test_what_a_condition_asks(condition: str, asks: str) -> None:
    assert trace_of(condition, {})[2] == asks
