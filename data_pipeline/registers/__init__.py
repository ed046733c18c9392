"""The P&C registers: files no open standard covers (projects, decisions, recommendations, ...).

``spec`` defines every register once; ``validate`` checks a register file column by column;
``build`` turns valid rows into warehouse frames; ``templates`` writes the CSV and XLSX
templates and the documentation from the same definitions.
"""
