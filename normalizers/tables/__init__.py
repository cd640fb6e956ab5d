"""Plan tables -> strategies, programs, indicators, budgets and the checks their totals allow.

`reader` reads tables in order, `columns` gives column roles from header
labels, `cards` reads per-program cards, `builder` numbers the facts, and
`checks` compares printed totals with computed ones.
"""
