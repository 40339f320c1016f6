"""The program view: several vendors (contracts with their data) evaluated as `evaluate` does, then
compared KPI by KPI. read.py reads the program file, compare.py matches KPIs and builds program.csv's
rows, html.py draws the league tables, write.py writes the set."""
