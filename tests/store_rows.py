"""Test helper: put hand-written rows into a store table (columns by name, the rest NULL)."""
import pandas as pd


def insert(con, table, rows):
    df = pd.DataFrame(rows)
    con.register("_rows", df)
    con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    con.unregister("_rows")
