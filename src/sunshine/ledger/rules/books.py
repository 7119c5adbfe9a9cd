"""Rules for the trust-fund ledger: pure values and checks, no database, clock or I/O.

Sign convention (beancount's): a posting's amount is positive for a debit and negative
for a credit; a valid entry has two or more non-zero postings that sum to zero.
INVARIANT: the database enforces the same balance rule again, with the
`ledger_entry_balanced` triggers of migrations/versions/2026_11_28_0003_ledger.py.

Also here: the chart-of-accounts template for trust-model property (the service's
cost items follow 物业服务收费管理办法 art. 11; revenue from common parts is booked
apart, Civil Code art. 282), the canonical record each entry leaves in the
transparency log, and the trustee's remuneration (酬金), computed from the trust
contract's terms, never typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from enum import StrEnum
from fractions import Fraction

from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.masking import mask_name
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

# INVARIANT: the database holds the same two bounds (CHECKs `ck_ledger_posting_bounded`
# and `ck_ledger_account_total_bounded`, migration 0008), so no sum can leave BIGINT: a
# month's total is at most 10**15 fen, and 9,000 months of them still fit (2**63 > 9.2e18).
MAX_AMOUNT = Fen(10**14)  # one posting: a trillion yuan
MAX_PERIOD_TOTAL = Fen(10**15)  # an account's debits (or credits) in one month
# Entries are dated from 2000 (no trust-model community keeps older books here) to a
# year ahead of today in China (a prepayment's schedule, never a typo's year 9999).
FIRST_BOOKING_DAY = date(2000, 1, 1)
BOOKING_LEAD_DAYS = 366
NARRATION_LENGTH = 200
MEMO_LENGTH = 200
COUNTERPARTY_LENGTH = 80
_SHA256 = re.compile(r"[0-9a-f]{64}")


class AccountKind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    FUND = "fund"  # the owners' trust property (net assets held in trust)
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """True where a positive (debit) balance is the normal one: assets and expenses."""
        return self in {AccountKind.ASSET, AccountKind.EXPENSE}


class Category(StrEnum):
    """The stream or cost item an account belongs to; reports and the monthly notice group by it."""

    TRUST_BANK = "trust_bank"
    CASH = "cash"
    RECEIVABLE = "receivable"
    OTHER_ASSET = "other_asset"
    PREPAYMENT = "prepayment"
    PAYABLE = "payable"
    COLLECTED_FOR_OTHERS = "collected_for_others"
    OTHER_LIABILITY = "other_liability"
    OPENING_EQUITY = "opening_equity"
    PROPERTY_FEE = "property_fee"
    PARKING_RENT = "parking_rent"
    VISITOR_PARKING = "visitor_parking"
    GARBAGE_FEE = "garbage_fee"
    COMMON_REVENUE = "common_revenue"  # advertising, rents of common parts (art. 282)
    OTHER_INCOME = "other_income"
    WAGES = "wages"
    COMMON_UPKEEP = "common_upkeep"
    CLEANING = "cleaning"
    GREENING = "greening"
    SECURITY = "security"
    OFFICE = "office"
    INSURANCE = "insurance"
    UTILITIES = "utilities"
    OTHER_APPROVED = "other_approved"
    REMUNERATION = "remuneration"  # the trustee's pay, always its own line


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    kind: AccountKind
    name_zh: str
    name_en: str


_A, _L, _F, _I, _E = (
    AccountKind.ASSET,
    AccountKind.LIABILITY,
    AccountKind.FUND,
    AccountKind.INCOME,
    AccountKind.EXPENSE,
)
C = Category
CATEGORIES: dict[Category, CategoryInfo] = {
    C.TRUST_BANK: CategoryInfo(_A, "信托资金银行存款", "Trust bank account"),
    C.CASH: CategoryInfo(_A, "库存现金", "Cash on hand"),
    C.RECEIVABLE: CategoryInfo(_A, "应收款项", "Receivables"),
    C.OTHER_ASSET: CategoryInfo(_A, "其他资产", "Other assets"),
    C.PREPAYMENT: CategoryInfo(_L, "预收款项", "Prepayments received"),
    C.PAYABLE: CategoryInfo(_L, "应付款项", "Payables"),
    C.COLLECTED_FOR_OTHERS: CategoryInfo(_L, "代收代付款项", "Collected on behalf of others"),
    C.OTHER_LIABILITY: CategoryInfo(_L, "其他负债", "Other liabilities"),
    C.OPENING_EQUITY: CategoryInfo(_F, "信托财产（业主权益）", "Trust property (owners' equity)"),
    C.PROPERTY_FEE: CategoryInfo(_I, "物业服务费收入", "Property service fees"),
    C.PARKING_RENT: CategoryInfo(_I, "车位租金收入", "Parking rent"),
    C.VISITOR_PARKING: CategoryInfo(_I, "临时停车收入", "Visitor parking"),
    C.GARBAGE_FEE: CategoryInfo(_I, "生活垃圾清运费收入", "Garbage clearance fees"),
    C.COMMON_REVENUE: CategoryInfo(_I, "公共收益", "Revenue from common parts"),
    C.OTHER_INCOME: CategoryInfo(_I, "其他收入", "Other income"),
    C.WAGES: CategoryInfo(_E, "人员工资及社保", "Wages and social insurance"),
    C.COMMON_UPKEEP: CategoryInfo(_E, "共用部位及设施设备运行维护", "Upkeep of common parts"),
    C.CLEANING: CategoryInfo(_E, "清洁卫生", "Cleaning"),
    C.GREENING: CategoryInfo(_E, "绿化养护", "Greening"),
    C.SECURITY: CategoryInfo(_E, "秩序维护", "Security and order"),
    C.OFFICE: CategoryInfo(_E, "办公费", "Office"),
    C.INSURANCE: CategoryInfo(_E, "保险费", "Insurance"),
    C.UTILITIES: CategoryInfo(_E, "公共水电费", "Utilities of common parts"),
    C.OTHER_APPROVED: CategoryInfo(_E, "业主同意的其他费用", "Other costs the owners approved"),
    C.REMUNERATION: CategoryInfo(_E, "受托人酬金", "Trustee's remuneration"),
}


@dataclass(frozen=True, slots=True)
class AccountTemplate:
    """One account of the template chart; names are data, in both languages."""

    code: str
    name_zh: str
    name_en: str
    category: Category
    parent_code: str | None = None

    @property
    def kind(self) -> AccountKind:
        return CATEGORIES[self.category].kind


T = AccountTemplate
CHART: tuple[AccountTemplate, ...] = (
    T("1001", "信托资金银行存款", "Trust bank account", C.TRUST_BANK),
    T("1002", "库存现金", "Cash on hand", C.CASH),
    T("1122", "应收业主款项", "Receivable from owners", C.RECEIVABLE),
    T("2202", "应付受托人酬金", "Remuneration payable to the trustee", C.PAYABLE),
    T("2203", "预收业主款项", "Prepaid by owners", C.PREPAYMENT),
    T("2241", "代收代付款项", "Collected on behalf of others", C.COLLECTED_FOR_OTHERS),
    T("3001", "信托财产（业主权益）", "Trust property (owners' equity)", C.OPENING_EQUITY),
    T("6001", "物业服务费收入", "Property service fees", C.PROPERTY_FEE),
    T("6002", "车位租金收入", "Parking rent", C.PARKING_RENT),
    T("6003", "临时停车收入", "Visitor parking", C.VISITOR_PARKING),
    T("6004", "生活垃圾清运费收入", "Garbage clearance fees", C.GARBAGE_FEE),
    T("6051", "公共收益-广告", "Common revenue: advertising", C.COMMON_REVENUE),
    T("6052", "公共收益-场地租金", "Common revenue: rents", C.COMMON_REVENUE),
    T("6601", "人员工资及社保", "Wages and social insurance", C.WAGES),
    T("6602", "共用部位共用设施设备日常运行维护", "Upkeep of common parts", C.COMMON_UPKEEP),
    T("6603", "清洁卫生", "Cleaning", C.CLEANING),
    T("6604", "绿化养护", "Greening", C.GREENING),
    T("6605", "秩序维护（安保）", "Security and order", C.SECURITY),
    T("6606", "办公费", "Office", C.OFFICE),
    T("6607", "物业共用部位共用设施设备及公众责任保险", "Insurance", C.INSURANCE),
    T("6608", "公共水电费", "Utilities of common parts", C.UTILITIES),
    T("660801", "水费", "Water", C.UTILITIES, "6608"),
    T("660802", "电费", "Electricity", C.UTILITIES, "6608"),
    T("6609", "业主同意的其他费用", "Other costs the owners approved", C.OTHER_APPROVED),
    T("6610", "受托人酬金", "Trustee's remuneration", C.REMUNERATION),
)


# --- journal entries -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostingDraft:
    """One leg of an entry that has not been stored yet: debit positive, credit negative."""

    account_code: str
    amount: Fen
    memo: str = ""


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A journal entry as a person, an import or a job proposes it.

    `counterparty` is who was paid or paid in; when `counterparty_is_person` it is masked
    (张**) wherever owners see it and in the log. `narration` and memos are published as
    typed, so they must hold no personal data: `problems_with` refuses phone and ID numbers.
    `vouchers` are the SHA-256 (hex) of receipts already uploaded.
    """

    booked_on: date
    narration: str
    postings: tuple[PostingDraft, ...]
    period: Period | None = None  # defaults to the month of booked_on
    counterparty: str = ""
    counterparty_is_person: bool = False
    budget_line: str | None = None
    reason: str = ""  # why: required for reversals
    vouchers: tuple[str, ...] = field(default=())

    @property
    def effective_period(self) -> Period:
        return self.period or Period.of(self.booked_on)


def booking_window(today: date) -> tuple[date, date]:
    """The first and last day an entry may be dated when today (in China) is `today`."""
    return FIRST_BOOKING_DAY, today + timedelta(days=BOOKING_LEAD_DAYS)


def booking_day_problems(day: date, *, today: date) -> list[Problem]:
    """A problem if an entry may not be dated `day` (see `booking_window`)."""
    first, last = booking_window(today)
    if first <= day <= last:
        return []
    return [
        Problem(
            "date_out_of_range",
            "the date {day} is outside {first} to {last}",
            {"day": day.isoformat(), "first": first.isoformat(), "last": last.isoformat()},
            "booked_on",
        )
    ]


def problems_with(draft: EntryDraft, open_accounts: frozenset[str]) -> list[Problem]:
    """Every reason `draft` may not be posted. An empty list means it may."""
    problems = _posting_problems(draft.postings)
    for code in sorted({p.account_code for p in draft.postings} - open_accounts):
        problems.append(
            Problem("account_not_open", "account {code} is not open", {"code": code}, code)
        )
    if draft.period is not None and draft.booked_on not in draft.period:
        problems.append(
            Problem(
                "outside_period",
                "the date {day} is not in the period {period}",
                {"day": draft.booked_on.isoformat(), "period": str(draft.period)},
                "booked_on",
            )
        )
    problems.extend(_text_problems(draft))
    problems.extend(
        Problem("bad_voucher", "{sha256} is not a SHA-256 in hex", {"sha256": v[:80]}, "vouchers")
        for v in draft.vouchers
        if not _SHA256.fullmatch(v)
    )
    return problems


def _posting_problems(postings: tuple[PostingDraft, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if len(postings) < 2:
        problems.append(Problem("too_few_postings", "an entry needs at least two postings"))
    total = 0
    for line, posting in enumerate(postings, start=1):
        value = posting.amount.value  # whole fen: this runs for every posting of an import
        total += value
        if not value:
            problems.append(
                Problem("zero_posting", "posting {line} is zero", {"line": line}, f"posting {line}")
            )
        elif abs(value) > MAX_AMOUNT.value:
            problems.append(
                Problem(
                    "amount_too_large",
                    "posting {line} is too large",
                    {"line": line},
                    f"posting {line}",
                )
            )
        if posting.memo and (len(posting.memo) > MEMO_LENGTH or looks_personal(posting.memo)):
            problems.append(
                Problem(
                    "memo",
                    "the memo of posting {line} is too long or holds a phone or ID number",
                    {"line": line},
                    f"posting {line}",
                )
            )
    if total:
        problems.append(
            Problem(
                "unbalanced", "the postings sum to {total}, not 0.00", {"total": str(Fen(total))}
            )
        )
    return problems


def _text_problems(draft: EntryDraft) -> list[Problem]:
    problems: list[Problem] = []
    if not draft.narration.strip():
        problems.append(Problem("empty_narration", "the narration is empty", where="narration"))
    if len(draft.narration) > NARRATION_LENGTH:
        problems.append(
            Problem(
                "too_long",
                "the narration is longer than {n} characters",
                {"n": NARRATION_LENGTH},
                "narration",
            )
        )
    if looks_personal(draft.narration) or looks_personal(draft.reason):
        problems.append(
            Problem(
                "personal_data",
                "the narration holds a phone or ID number; it would be published",
                where="narration",
            )
        )
    if len(draft.counterparty) > COUNTERPARTY_LENGTH:
        problems.append(
            Problem(
                "too_long",
                "the counterparty is longer than {n} characters",
                {"n": COUNTERPARTY_LENGTH},
                "counterparty",
            )
        )
    return problems


def public_counterparty(name: str, *, is_person: bool) -> str:
    """The counterparty as owners see it: a person masked (张**), an organisation as is."""
    return mask_name(name) if is_person else name.strip()


def reversing_draft(original: EntryDraft, *, booked_on: date, reason: str) -> EntryDraft:
    """The entry that cancels `original`: every posting negated, same accounts and memos."""
    return EntryDraft(
        booked_on=booked_on,
        narration=original.narration,
        postings=tuple(PostingDraft(p.account_code, -p.amount, p.memo) for p in original.postings),
        counterparty=original.counterparty,
        counterparty_is_person=original.counterparty_is_person,
        budget_line=original.budget_line,
        reason=reason,
    )


def as_record(
    draft: EntryDraft, *, number: int, source: str, reverses: int | None = None
) -> dict[str, object]:
    """The canonical form of a posted entry, as written to the transparency log.

    It holds no raw personal data (LAW.md 3): a person's name is masked; narrations and
    memos are as typed, which is why `problems_with` refuses phone and ID numbers there.
    Amounts are whole fen; accounts are codes. The audit recomputes this from the tables.
    """
    return {
        "entry": number,
        "booked_on": draft.booked_on.isoformat(),
        "period": str(draft.effective_period),
        "narration": draft.narration,
        "counterparty": public_counterparty(
            draft.counterparty, is_person=draft.counterparty_is_person
        ),
        "budget_line": draft.budget_line,
        "reverses": reverses,
        "reason": draft.reason,
        "source": source,
        "postings": [[p.account_code, p.amount.value, p.memo] for p in draft.postings],
        "vouchers": sorted(set(draft.vouchers)),
    }


# --- accounts ------------------------------------------------------------------------


def account_problems(template: AccountTemplate, *, existing_codes: frozenset[str]) -> list[Problem]:
    """Every reason an account may not be added to a community's chart."""
    problems: list[Problem] = []
    if not re.fullmatch(r"[0-9A-Za-z.:_-]{1,32}", template.code):
        problems.append(
            Problem(
                "account_code",
                "the account code {code} must be 1 to 32 letters or digits",
                {"code": template.code[:40]},
                "code",
            )
        )
    if template.code in existing_codes:
        problems.append(
            Problem("account_exists", "account {code} exists", {"code": template.code}, "code")
        )
    if not 0 < len(template.name_zh.strip()) <= 120:
        problems.append(
            Problem("account_name", "the Chinese name must be 1 to 120 characters", where="name_zh")
        )
    if not 0 < len(template.name_en.strip()) <= 120:
        problems.append(
            Problem("account_name", "the English name must be 1 to 120 characters", where="name_en")
        )
    parent = template.parent_code
    if parent is not None and parent not in existing_codes:
        problems.append(
            Problem(
                "no_parent",
                "the parent account {code} does not exist",
                {"code": parent},
                "parent_code",
            )
        )
    return problems


# --- closing a month -------------------------------------------------------------------


class CloseOutcome(StrEnum):
    """How a request to close a month ended: countersigned (the month closed) or withdrawn."""

    COUNTERSIGNED = "countersigned"
    WITHDRAWN = "withdrawn"


# --- the trustee's remuneration --------------------------------------------------------


class RemunerationKind(StrEnum):
    FIXED = "fixed"  # a fixed amount per month
    PERCENTAGE = "percentage"  # an agreed share of a stated base, e.g. fees collected


@dataclass(frozen=True, slots=True)
class TrustTerms:
    """The trust contract's pay clause, in force from `effective_from` until replaced.

    The base of a percentage is the period's net income (credits less debits) of the
    accounts in `base_categories`. The remuneration is debited to `account_code` and
    credited to `settlement_code` (a payable, settled when the trustee is paid).
    """

    effective_from: Period
    kind: RemunerationKind
    fixed: Fen = ZERO
    rate_basis_points: int = 0  # 1 bp = 0.01 %
    base_categories: tuple[Category, ...] = ()
    account_code: str = "6610"
    settlement_code: str = "2202"
    contract_ref: str = ""


def terms_problems(terms: TrustTerms) -> list[Problem]:
    """Every reason these terms cannot be stored."""
    problems: list[Problem] = []
    if terms.kind is RemunerationKind.FIXED and not ZERO < terms.fixed <= MAX_AMOUNT:
        problems.append(Problem("fixed", "a fixed remuneration must be above 0.00", where="fixed"))
    if terms.kind is RemunerationKind.PERCENTAGE:
        if not 0 < terms.rate_basis_points <= 10000:
            problems.append(
                Problem(
                    "rate",
                    "the rate must be between 1 and 10000 basis points",
                    where="rate_basis_points",
                )
            )
        if not terms.base_categories:
            problems.append(
                Problem("base", "a percentage needs the income it is a share of", where="base")
            )
    if not terms.contract_ref.strip():
        problems.append(Problem("contract_ref", "name the contract clause these terms come from"))
    return problems


def remuneration_due(terms: TrustTerms, base: Fen) -> Fen:
    """The remuneration for one period: fixed, or the rate times `base` rounded half-up.

    A period whose base is zero or negative (refunds exceeded income) earns no percentage.
    """
    if terms.kind is RemunerationKind.FIXED:
        return terms.fixed
    if base <= ZERO:
        return ZERO
    return base.times(Fraction(terms.rate_basis_points, 10000))


def terms_in_force(history: list[TrustTerms], period: Period) -> TrustTerms | None:
    """The latest terms that took effect on or before `period`."""
    started = [t for t in history if t.effective_from <= period]
    return max(started, key=lambda t: t.effective_from) if started else None


def remuneration_draft(terms: TrustTerms, period: Period, amount: Fen) -> EntryDraft:
    """The entry that books `period`'s remuneration, on the period's last day."""
    return EntryDraft(
        booked_on=period.last_day,
        narration=f"{period} 受托人酬金",
        postings=(
            PostingDraft(terms.account_code, amount),
            PostingDraft(terms.settlement_code, -amount),
        ),
        counterparty="",
        reason=terms.contract_ref,
    )


def remuneration_booked(draft: EntryDraft, remuneration_codes: frozenset[str]) -> Fen:
    """The net debit `draft` makes to remuneration accounts (zero if it touches none)."""
    return sum((p.amount for p in draft.postings if p.account_code in remuneration_codes), ZERO)
