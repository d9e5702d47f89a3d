import pandas as pd


def add_totals(df: pd.DataFrame) -> pd.DataFrame:
    totals = []
    for _, row in df.iterrows():  # hotpath-expect
        totals.append(row["price"] * row["qty"])
    df["total"] = totals
    return df
