"""Equipment lines above the call's instrument threshold name the instrument they buy, and say
why a likely match in the Yangtze River Delta shared large-instrument catalogue cannot serve.

Pure, like grants.proposals.eligibility, which runs ``check`` among its rules: the likely
match is found by the caller (grants.proposals.plain, through grants.proposals.instrument_hooks)
and passed in as plain data.
"""

from collections.abc import Iterator
from decimal import Decimal

from grants.core.money import format_yuan
from grants.proposals.eligibility_data import ProposalData, Rules, Violation

EQUIPMENT = "equipment"


def needs_instrument(category: str, amount: Decimal, threshold: Decimal) -> bool:
    """Whether a budget line must name its instrument: equipment strictly above the threshold."""
    return category == EQUIPMENT and amount > threshold


def check(proposal: ProposalData, rules: Rules) -> Iterator[Violation]:
    threshold = format_yuan(rules.instrument_threshold)
    for line in proposal.instrument_lines:
        if not needs_instrument(EQUIPMENT, line.amount, rules.instrument_threshold):
            continue
        amount, name = format_yuan(line.amount), line.institution_name
        if not line.instrument.strip():
            yield Violation(
                "instrument_missing",
                "budget_lines",
                f"{name}第 {line.year} 年设备费 {amount} 超过 {threshold}，请填写拟购置的仪器。",
                f"{name}'s equipment in year {line.year} ({amount}) is above {threshold}: "
                "name the instrument it buys.",
            )
        elif line.likely_match and not line.reason.strip():
            yield Violation(
                "shared_instrument_reason_missing",
                "budget_lines",
                f"长三角共享大型仪器目录中有与{name}第 {line.year} 年拟购置的“{line.instrument}”"
                f"相近的仪器（{line.likely_match}），请说明共享仪器为何不能满足需要。",
                f"The shared large-instrument catalogue lists {line.likely_match}, much like "
                f"the “{line.instrument}” {name} buys in year {line.year}: say why the shared "
                "one cannot serve.",
            )
