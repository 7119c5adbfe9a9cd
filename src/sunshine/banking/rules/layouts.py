"""The column layouts of the banks' statement exports: pure data, one `Layout` per bank.

A layout names, for each field we read, the column headings a bank uses for it (the first
heading found in the header row wins). Money in and out are either two columns (收入/支出,
贷方/借方) or one signed column (交易金额). Modelled on the banks' corporate online-banking
"account details" (账户明细) exports; docs/banking.md shows each one and its sample file.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = (
    "date",
    "time",
    "money_in",
    "money_out",
    "amount",
    "balance",
    "counterparty",
    "counterparty_account",
    "summary",
    "purpose",
    "reference",
)


@dataclass(frozen=True, slots=True)
class Layout:
    """Which headings a bank's export uses for each field; `amount` is a signed column."""

    code: str
    name_zh: str
    name_en: str
    date: tuple[str, ...]
    balance: tuple[str, ...]
    reference: tuple[str, ...]
    money_in: tuple[str, ...] = ()
    money_out: tuple[str, ...] = ()
    amount: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    counterparty: tuple[str, ...] = ("对方户名",)
    counterparty_account: tuple[str, ...] = ("对方账号",)
    summary: tuple[str, ...] = ("摘要",)
    purpose: tuple[str, ...] = ("用途",)

    def headings(self, field: str) -> tuple[str, ...]:
        headings: tuple[str, ...] = getattr(self, field)
        return headings


ICBC = Layout(
    code="icbc",
    name_zh="中国工商银行",
    name_en="Industrial and Commercial Bank of China",
    date=("交易时间", "交易日期"),
    money_in=("贷方发生额", "转入金额"),
    money_out=("借方发生额", "转出金额"),
    balance=("余额",),
    counterparty=("对方单位名称", "对方户名"),
    counterparty_account=("对方账号",),
    reference=("交易流水号", "凭证号"),
)
CCB = Layout(
    code="ccb",
    name_zh="中国建设银行",
    name_en="China Construction Bank",
    date=("交易时间",),
    money_in=("贷方发生额（收入）", "贷方发生额(收入)", "贷方发生额"),
    money_out=("借方发生额（支取）", "借方发生额(支取)", "借方发生额"),
    balance=("余额", "账户余额"),
    counterparty=("对方户名",),
    counterparty_account=("对方账号",),
    summary=("摘要",),
    purpose=("备注", "用途"),
    reference=("账户明细编号-交易流水号", "交易流水号"),
)
ABC = Layout(
    code="abc",
    name_zh="中国农业银行",
    name_en="Agricultural Bank of China",
    date=("交易日期",),
    time=("交易时间",),
    money_in=("收入金额",),
    money_out=("支出金额",),
    balance=("本次余额", "账户余额", "余额"),
    counterparty=("对方户名",),
    counterparty_account=("对方账号",),
    summary=("摘要", "交易摘要"),
    purpose=("交易用途", "用途"),
    reference=("交易流水号", "流水号"),
)
BOC = Layout(
    code="boc",
    name_zh="中国银行",
    name_en="Bank of China",
    date=("交易日期",),
    time=("交易时间",),
    amount=("交易金额",),
    balance=("交易后余额", "余额"),
    counterparty=("对方账户名称", "对方户名"),
    counterparty_account=("对方账号", "对方账户账号"),
    summary=("摘要",),
    purpose=("用途", "附言"),
    reference=("交易流水号", "流水号"),
)
JSB = Layout(
    code="jsb",
    name_zh="江苏银行",
    name_en="Bank of Jiangsu",
    date=("交易日期",),
    time=("交易时间",),
    money_in=("收入金额", "贷方金额"),
    money_out=("支出金额", "借方金额"),
    balance=("余额", "账户余额"),
    counterparty=("对方户名",),
    counterparty_account=("对方账号",),
    summary=("摘要",),
    purpose=("用途",),
    reference=("流水号", "交易流水号"),
)

LAYOUTS: dict[str, Layout] = {layout.code: layout for layout in (ICBC, CCB, ABC, BOC, JSB)}
