"""Yes/no questions about runs, written as small expressions over the summary's columns.

``deployed``, ``regime_survived == False``, ``deploy_day <= 5``,
``deployed and not regime_survived``, ``outcome in ["deploy", "limited"]``,
``peak_troops > 3000 or final_sanctions >= 0.2``.

The expression is parsed with Python's ``ast`` and only a small grammar is evaluated (names of
columns, numbers, strings, True/False, lists of constants, comparisons, and/or/not, & | ~,
+ - * /); anything else (calls, attributes, subscripts, lambdas) is refused, so no code runs.
A comparison with an empty value (a day that never came) is false: ``deploy_day <= 5`` is false
in a run that never deployed, and so is ``deploy_day > 5``.

Imports nothing of ours but the error type.
"""

from __future__ import annotations

import ast
import difflib
import operator

import numpy as np
import pandas as pd

from ..config.load import ConfigError

COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
LOGIC = {ast.BitAnd: np.logical_and, ast.BitOr: np.logical_or}
EXAMPLES = (
    "`deployed`, `regime_survived == False`, `deploy_day <= 5`, `deployed and not regime_survived`"
)


def evaluate(expression: str, frame: pd.DataFrame, what: str = "--outcome") -> pd.Series:
    """The expression's value in each row of ``frame``, as booleans (empty comparisons false).

    Raises:
        ConfigError: one paragraph naming the expression, what is wrong, and the columns allowed.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise _error(expression, frame, what, f"it is not a valid expression ({exc.msg})") from None
    value = _eval(tree.body, frame, expression, what)
    if not isinstance(value, pd.Series):
        raise _error(expression, frame, what, "it does not depend on any column")
    if value.dtype == bool:
        return value
    if str(value.dtype) == "boolean":
        return value.fillna(False).astype(bool)
    raise _error(
        expression,
        frame,
        what,
        "it gives numbers, not true/false; compare it with a value, e.g. `peak_troops > 3000`",
    )


def _error(expression: str, frame: pd.DataFrame, what: str, problem: str) -> ConfigError:
    columns = ", ".join(c for c in frame.columns if c.isidentifier())
    return ConfigError(
        f"{what} {expression!r}: {problem}. Write a yes/no question about each run with the "
        f"columns {columns}; numbers, quoted text, True/False; == != < <= > >= in; and, or, "
        f"not; e.g. {EXAMPLES}."
    )


def _eval(node: ast.AST, frame: pd.DataFrame, expression: str, what: str):
    ev = lambda n: _eval(n, frame, expression, what)  # noqa: E731
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, str)):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [ev(e) for e in node.elts]
        if any(isinstance(i, pd.Series) for i in items):
            raise _error(expression, frame, what, "a list may hold constants only")
        return items
    if isinstance(node, ast.Name):
        if node.id not in frame.columns:
            close = difflib.get_close_matches(node.id, [str(c) for c in frame.columns], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _error(expression, frame, what, f"there is no column {node.id!r}{hint}")
        return frame[node.id]
    if isinstance(node, ast.BoolOp):
        values = [_truth(ev(v), expression, frame, what) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for v in values[1:]:
            out = combine(out, v)
        return pd.Series(out, index=frame.index)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
        return ~_truth(ev(node.operand), expression, frame, what)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -ev(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in LOGIC:
        left, right = (_truth(ev(n), expression, frame, what) for n in (node.left, node.right))
        return pd.Series(LOGIC[type(node.op)](left, right), index=frame.index)
    if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        return ARITHMETIC[type(node.op)](_number(ev(node.left)), _number(ev(node.right)))
    if isinstance(node, ast.Compare):
        out, left = None, ev(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = ev(right_node)
            part = _compare(op, left, right, expression, frame, what)
            out = (
                part
                if out is None
                else _truth(out, expression, frame, what) & _truth(part, expression, frame, what)
            )
            left = right
        return out
    raise _error(expression, frame, what, f"{type(node).__name__} is not allowed")


def _number(value):
    if isinstance(value, pd.Series) and value.dtype == object:
        return pd.to_numeric(value, errors="coerce")
    return value


def _compare(op, left, right, expression, frame, what) -> pd.Series:
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, list) or not isinstance(left, pd.Series):
            raise _error(
                expression, frame, what, "`in` needs a column on the left and a list on the right"
            )
        found = left.isin(right) & left.notna()
        return ~found if isinstance(op, ast.NotIn) else found
    if type(op) not in COMPARE:
        raise _error(expression, frame, what, f"{type(op).__name__} is not an allowed comparison")
    result = COMPARE[type(op)](left, right)
    if not isinstance(result, pd.Series):
        return result  # two constants: no column in it (refused by ``evaluate``)
    if str(result.dtype) == "boolean":
        result = result.fillna(False)
    return result.astype(bool) & _known(left) & _known(right)


def _known(value) -> pd.Series | bool:
    """Where a value is present (a comparison with an empty value is false)."""
    return value.notna() if isinstance(value, pd.Series) else True


def _truth(value, expression, frame, what) -> pd.Series:
    if isinstance(value, pd.Series) and value.dtype == bool:
        return value
    if isinstance(value, pd.Series) and str(value.dtype) == "boolean":
        return value.fillna(False).astype(bool)
    raise _error(
        expression,
        frame,
        what,
        "and/or/not need true/false on each side; compare numbers "
        "with a value first, e.g. `deploy_day <= 5`",
    )
