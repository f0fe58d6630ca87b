"""The request register (依申请公开台账): requests, the clock of 条例 第三十条–第三十三条, year-end
tables 3 and 4 counted from it, due lists, letters and Excel. See docs/register.md.

Importing the package imports nothing (``gongkai.store.schema`` imports ``register.schema``).
"""
